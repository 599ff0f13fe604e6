import { z } from 'zod';

/** The ids the document's examples use, so an example's path, body and answer name the same things. */
export const EXAMPLE_IDS = {
  campaign: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b',
  enrollment: '2d8e4f6a-1b3c-4d5e-8f70-a1b2c3d4e5f6',
  list: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
  contact: '0b9e2cf1-5c1d-4f5e-9a57-3d0f4d1a2b3c',
  mailbox: '5c4b3a29-1807-4f6e-9d5c-4b3a29180706',
  outreach: '7e6d5c4b-3a29-4180-8f6e-5d4c3b2a1908',
  blockListEntry: '3f2e1d0c-9b8a-4765-8432-10fedcba9876',
  /** A second campaign and an enrollment of the same contact in it: what a contact-level change also reaches. */
  secondCampaign: '8b7a6f5e-4d3c-4b2a-9f1e-0d9c8b7a6f5e',
  secondEnrollment: '4c5d6e7f-8a9b-4c0d-9e1f-2a3b4c5d6e7f',
} as const;

/** A uuid path parameter; one that is not a uuid gets the resource's 404, not a validation error. */
const uuidParam = (description: string, example: string) => z.uuid().meta({ description, example });

export const campaignIdParam = uuidParam('The campaign id.', EXAMPLE_IDS.campaign);
export const enrollmentIdParam = uuidParam('The enrollment id.', EXAMPLE_IDS.enrollment);
export const listUuidParam = uuidParam('The list uuid.', EXAMPLE_IDS.list);
export const contactIdParam = uuidParam('The contact id.', EXAMPLE_IDS.contact);
export const mailboxIdParam = uuidParam('The SMTP credential (mailbox) id.', EXAMPLE_IDS.mailbox);
export const outreachIdParam = uuidParam('The outreach id.', EXAMPLE_IDS.outreach);
export const blockListEntryIdParam = uuidParam('The block list entry id.', EXAMPLE_IDS.blockListEntry);
