import type { ManualReplyEntity } from '../../src/db/entities/manual-reply.entity';
import type { MessageEntity } from '../../src/db/entities/message.entity';
import type { ReplyEntity } from '../../src/db/entities/reply.entity';
import { replySubject, threadHeaders, threadOf } from '../../src/domain/conversations/thread';

const at = (seconds: number) => new Date(Date.UTC(2026, 10, 22, 9, 0, seconds));

const step = (position: number, sentSecond: number, fields: Partial<MessageEntity> = {}) =>
  ({
    id: `m${position}`,
    stepPosition: position,
    messageId: `<step${position}@sender.example>`,
    mailboxId: 'mailbox',
    status: 'sent',
    subject: position === 1 ? 'Quick question' : 'Re: Quick question',
    sentAt: at(sentSecond),
    createdAt: at(sentSecond),
    ...fields,
  }) as MessageEntity;

const inbound = (id: string, receivedSecond: number, fields: Partial<ReplyEntity> = {}) =>
  ({
    id,
    kind: 'reply',
    inboundMessageId: `<${id}@mail.example>`,
    messageId: 'm1',
    receivedAt: at(receivedSecond),
    ...fields,
  }) as ReplyEntity;

const sent = (id: string, second: number, fields: Partial<ManualReplyEntity> = {}) =>
  ({
    id,
    messageId: `<${id}@sender.example>`,
    mailboxId: 'mailbox',
    status: 'sent',
    sentAt: at(second),
    createdAt: at(second),
    ...fields,
  }) as ManualReplyEntity;

describe('an enrollment conversation', () => {
  describe('when steps, replies read and replies sent are put in one thread', () => {
    it('then they are ordered by time, ours first at the same instant', () => {
      const entries = threadOf(
        [step(2, 30), step(1, 10)],
        [inbound('theirs', 20), inbound('same-time', 30, { messageId: null })],
        [sent('ours', 40)],
      );

      expect(entries.map((entry) => (entry.direction === 'inbound' ? entry.reply.id : entry.kind))).toEqual([
        'step',
        'theirs',
        'step',
        'same-time',
        'manual_reply',
      ]);
    });

    it('then a reply dated before the message it answers (a server dating to the second) comes after it', () => {
      const entries = threadOf([step(1, 10, { sentAt: new Date(at(10).getTime() + 700) })], [inbound('r', 10)], []);

      expect(entries.map((entry) => entry.direction)).toEqual(['outbound', 'inbound']);
      expect(entries[1]!.direction === 'inbound' && entries[1]!.reply.receivedAt).toEqual(at(10));
    });
  });

  describe('when a reply is threaded', () => {
    it('then it answers the last message exchanged, and References names every one in order', () => {
      const entries = threadOf([step(1, 10), step(2, 30)], [inbound('theirs', 40)], []);

      expect(threadHeaders(entries)).toEqual({
        inReplyTo: '<theirs@mail.example>',
        references: ['<step1@sender.example>', '<step2@sender.example>', '<theirs@mail.example>'],
      });
    });

    it('then messages that reached no one, unsubscribe requests and ids made from a digest are left out', () => {
      const entries = threadOf(
        [step(1, 10), step(2, 30, { status: 'failed' }), step(3, 50, { status: 'bounced' })],
        [
          inbound('unsubscribe', 60, { kind: 'unsubscribe' }),
          inbound('digest', 70, { inboundMessageId: '<sha256-0123abcd>' }),
        ],
        [sent('pending', 80, { status: 'pending', sentAt: null }), sent('unknown', 90, { status: 'unknown' })],
      );

      expect(threadHeaders(entries)).toEqual({
        inReplyTo: '<unknown@sender.example>',
        references: ['<step1@sender.example>', '<unknown@sender.example>'],
      });
    });

    it('then nothing exchanged yet means no thread to reply in', () => {
      expect(threadHeaders(threadOf([step(1, 10, { status: 'failed' })], [], []))).toBeNull();
    });

    it('then a long conversation keeps its first Message-ID and the latest ones, 30 in all', () => {
      const steps = Array.from({ length: 40 }, (_, index) => step(index + 1, index));

      const references = threadHeaders(threadOf(steps, [], []))!.references;

      expect(references).toHaveLength(30);
      expect(references[0]).toBe('<step1@sender.example>');
      expect(references.at(-1)).toBe('<step40@sender.example>');
      expect(references[1]).toBe('<step12@sender.example>');
    });

    it('then its default subject is Re: the first step’s, without repeating Re:', () => {
      expect(replySubject(threadOf([step(2, 20), step(1, 10)], [], []))).toBe('Re: Quick question');
      expect(replySubject(threadOf([step(1, 10, { subject: 'RE: re:  Pricing' })], [], []))).toBe('Re: Pricing');
    });
  });
});
