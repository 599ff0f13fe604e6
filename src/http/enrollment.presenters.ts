import type { ContactChange, EnrollmentChange } from '../domain/enrollments/enrollment-control.service';
import type { MessageEntity, ReplyEntity } from '../domain/enrollments/enrollment-history.service';
import { presentEnrollment } from './campaign.presenters';
import type { ContactChangeView, EnrollmentChangeView, MessageView, PaginationView } from './enrollment.responses';

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

/** An enrollment after a control call, with whether the call changed it. */
export function presentEnrollmentChange(change: EnrollmentChange): EnrollmentChangeView {
  return { ...presentEnrollment(change.enrollment), changed: change.changed };
}

/** A contact-level change: the contact and every enrollment concerned, with how many changed. */
export function presentContactChange(change: ContactChange): ContactChangeView {
  return {
    contact: { id: change.contact.id, email: change.contact.email, status: change.contact.status },
    contact_changed: change.contactChanged,
    enrollments: change.enrollments.map(({ enrollment, changed }) => ({
      id: enrollment.id,
      campaign_id: enrollment.campaignId,
      status: enrollment.status,
      changed,
    })),
    affected: change.enrollments.filter((enrollment) => enrollment.changed).length,
  };
}

/** One message of an enrollment's history, with the replies and auto-replies read that answer it. */
export function presentMessage(message: MessageEntity, replies: ReplyEntity[]): MessageView {
  return {
    step: message.stepPosition,
    variant_label: message.variantLabel,
    message_id: message.messageId,
    status: message.status,
    subject: message.subject,
    to_email: message.toEmail,
    sent_at: iso(message.sentAt),
    opened_at: iso(message.openedAt),
    clicked_at: iso(message.clickedAt),
    replied_at: iso(message.repliedAt),
    bounced_at: iso(message.bouncedAt),
    smtp_response: message.smtpResponse,
    replies: replies
      .filter((reply) => reply.messageId === message.id)
      .map((reply) => ({
        kind: reply.kind,
        match_confidence: reply.confidence,
        from_email: reply.fromEmail,
        subject: reply.subject,
        snippet: reply.snippet,
        folder: reply.folder,
        received_at: reply.receivedAt.toISOString(),
      })),
  };
}

/** The `pagination` block of paged lists. */
export function presentPagination(page: number, perPage: number, total: number): PaginationView {
  return { current_page: page, per_page: perPage, total_pages: Math.ceil(total / perPage), total };
}
