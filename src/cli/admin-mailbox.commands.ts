// The admin CLI's command on mailboxes: `mailboxes`, their health as JSON or as a table with its notes.
import { HEALTH_MINIMUM_SENDS, HEALTH_WINDOW_SENDS } from '../domain/inbound/mailbox-health';
import type { MailboxHealthReport } from '../domain/organizations/organization.service';
import { checkUuid, CLI, EXAMPLE_ORG, type Command } from './admin-command';
import { print, printJson, printTable } from './admin-output';

export const MAILBOX_COMMANDS: Command[] = [
  {
    name: 'mailboxes',
    positionals: [],
    options: {
      org: { type: 'string', placeholder: 'ORGANIZATION-ID', description: "only this organization's mailboxes" },
    },
    summary: 'List mailboxes with their health: status, sends today, bounce rate, IMAP',
    example: `${CLI} mailboxes --org ${EXAMPLE_ORG}`,
    validate: ({ values }) => {
      if (typeof values.org === 'string') checkUuid(values.org, '--org', `${CLI} org list`);
    },
    run: async (organizations, { values }, json) => {
      const org = typeof values.org === 'string' ? values.org : undefined;
      const reports = await organizations.mailboxHealth(org);
      if (json) return printJson(reports.map(presentMailbox));
      printMailboxes(reports, org === undefined);
    },
  },
];

function presentMailbox(report: MailboxHealthReport) {
  return {
    id: report.id,
    organization_id: report.organizationId,
    label: report.label,
    from_email: report.fromEmail,
    status: report.status,
    disabled_reason: report.disabledReason,
    smtp_error: report.smtpError,
    smtp_error_at: report.smtpErrorAt?.toISOString() ?? null,
    daily_limit: report.dailyLimit,
    sent_today: report.sentToday,
    recent_sends: report.recentSends,
    recent_bounces: report.recentBounces,
    bounce_rate_percent: report.bounceRatePercent,
    bounce_rate_judged: report.bounceRateJudged,
    imap_configured: report.imapConfigured,
    imap_status: report.imapStatus,
    imap_error: report.imapError,
  };
}

function printMailboxes(reports: MailboxHealthReport[], withOrganization: boolean): void {
  if (reports.length === 0) return print('No mailboxes yet: they are added with the campaigns that send from them.');
  printTable(
    ['ID', ...(withOrganization ? ['ORGANIZATION'] : []), 'FROM', 'STATUS', 'SENT TODAY', 'BOUNCE RATE', 'IMAP'],
    reports.map((report) => [
      report.id,
      ...(withOrganization ? [report.organizationId] : []),
      report.fromEmail,
      report.status,
      `${report.sentToday}/${report.dailyLimit}`,
      report.bounceRatePercent === null
        ? 'no sends'
        : `${report.bounceRatePercent.toFixed(1)}% (${report.recentBounces}/${report.recentSends}` +
          `${report.bounceRateJudged ? '' : ', too few to judge'})`,
      report.imapConfigured ? (report.imapStatus ?? 'not checked yet') : 'none',
    ]),
  );
  const notes = reports.flatMap((report) => [
    ...(report.disabledReason ? [`  ${report.id} disabled: ${report.disabledReason}`] : []),
    ...(report.smtpError ? [`  ${report.id} SMTP error: ${report.smtpError}`] : []),
    ...(report.imapError ? [`  ${report.id} IMAP error: ${report.imapError}`] : []),
  ]);
  if (notes.length > 0) print(`\n${notes.join('\n')}`);
  print(
    `\nSENT TODAY: new conversations since 00:00 UTC, of the daily limit.\nBOUNCE RATE: over the mailbox's last ` +
      `${HEALTH_WINDOW_SENDS} sends since it was last (re-)enabled; campaign thresholds apply from ` +
      `${HEALTH_MINIMUM_SENDS} sends.`,
  );
}
