import type { MessageRef, PublicTokens } from '../../crypto/public-tokens';

/** The public pages (unsubscribe) escape what they show of a contact as our messages escape what they carry. */
export { escapeHtml } from '../../mail/html-links';

/** The token of the unsubscribe link in test sends: its page explains that it unsubscribes no one. */
export const TEST_UNSUBSCRIBE_TOKEN = 'test';

/** The public URLs our messages carry (unsubscribe, open pixel, click redirect), under PUBLIC_BASE_URL. */
export class PublicLinks {
  constructor(
    private readonly baseUrl: string,
    readonly tokens: PublicTokens,
  ) {}

  unsubscribeUrl(enrollmentId: string | null): string {
    const token = enrollmentId === null ? TEST_UNSUBSCRIBE_TOKEN : this.tokens.unsubscribe(enrollmentId);
    return `${this.baseUrl}/u/${token}`;
  }

  openPixelUrl(message: MessageRef): string {
    return `${this.baseUrl}/t/o/${this.tokens.openPixel(message)}`;
  }

  clickUrl(message: MessageRef, url: string): string {
    return `${this.baseUrl}/t/c/${this.tokens.click(message, url)}`;
  }
}
