// Smartlead's actions on one lead of a campaign: update, pause, resume, delete, unsubscribe from the campaign. Each
// finds the lead's enrollment in the campaign and calls the native use case.
import { z } from 'zod';
import { fieldsOf, leadInputShape } from './lead.presenter';
import { campaignLeadPath, enrollmentOf, okSchema, tag } from './lead-support';
import { lenientBody, lenientInt } from './lenient';
import { smartleadOperation } from './operation';

const noBody = { schema: lenientBody({}), example: {}, optional: true as const };

const updateLead = smartleadOperation({
  method: 'post',
  alsoMethods: ['patch'],
  path: '/campaigns/{campaign_id}/leads/{lead_id}',
  tag,
  summary: 'Update lead',
  description:
    'Changes the lead’s fields (those sent; null or "" clears one) and, with `email`, its address. The lead is an ' +
    'organization-wide contact: the change shows in every campaign and list it is in.',
  params: campaignLeadPath,
  body: {
    schema: lenientBody(leadInputShape),
    example: { first_name: 'John', company_name: 'Acme Inc', custom_fields: { job_title: 'CRO' } },
  },
  response: { description: 'The lead was updated.', schema: okSchema, example: { ok: true, data: 'Lead updated.' } },
  handle: async ({ deps, organizationId, params, body }) => {
    await enrollmentOf(deps, organizationId, params.campaign_id, params.lead_id);
    await deps.contacts.update(organizationId, params.lead_id, {
      email: body.email ?? undefined,
      fields: fieldsOf(body, true),
    });
    return { ok: true, data: 'Lead updated.' };
  },
});

const pauseLead = smartleadOperation({
  method: 'post',
  path: '/campaigns/{campaign_id}/leads/{lead_id}/pause',
  tag,
  summary: 'Pause lead',
  description:
    'Holds a running lead before its next email until it is resumed (the native enrollment pause). A lead not ' +
    'running (not started yet, or finished) is left as it is.',
  params: campaignLeadPath,
  body: noBody,
  response: { description: 'The lead is paused.', schema: okSchema, example: { ok: true, data: 'Lead paused.' } },
  handle: async ({ deps, organizationId, params }) => {
    const enrollment = await enrollmentOf(deps, organizationId, params.campaign_id, params.lead_id);
    const change = await deps.enrollmentControl.pause(organizationId, params.campaign_id, enrollment.id);
    return {
      ok: true,
      data: change.changed ? 'Lead paused.' : `Nothing changed: the lead is ${change.enrollment.status}.`,
    };
  },
});

const resumeLead = smartleadOperation({
  method: 'post',
  path: '/campaigns/{campaign_id}/leads/{lead_id}/resume',
  tag,
  summary: 'Resume lead',
  description:
    'Lets a paused lead continue; with `resume_lead_with_delay_days`, its next email waits at least that many days.',
  params: campaignLeadPath,
  body: {
    schema: lenientBody({
      resume_lead_with_delay_days: lenientInt().pipe(z.number().int().min(0).max(365)).nullish(),
    }),
    example: { resume_lead_with_delay_days: 2 },
    optional: true,
  },
  response: { description: 'The lead is resumed.', schema: okSchema, example: { ok: true, data: 'Lead resumed.' } },
  handle: async ({ deps, organizationId, params, body }) => {
    const enrollment = await enrollmentOf(deps, organizationId, params.campaign_id, params.lead_id);
    const days = body.resume_lead_with_delay_days;
    const change = await deps.enrollmentControl.resume(
      organizationId,
      params.campaign_id,
      enrollment.id,
      days ? days * 24 * 60 : undefined,
    );
    return {
      ok: true,
      data: change.changed ? 'Lead resumed.' : `Nothing changed: the lead is ${change.enrollment.status}.`,
    };
  },
});

const deleteLead = smartleadOperation({
  method: 'delete',
  path: '/campaigns/{campaign_id}/leads/{lead_id}',
  tag,
  summary: 'Delete lead',
  description:
    'Removes the lead from this campaign only (the native removal): nothing more is sent to it and it leaves the ' +
    'campaign’s lead list; its messages and statistics stay, and it is never added to this campaign again. The ' +
    'contact stays in your lists and other campaigns.',
  params: campaignLeadPath,
  response: { description: 'The lead was removed.', schema: okSchema, example: { ok: true, data: 'Lead deleted.' } },
  handle: async ({ deps, organizationId, params }) => {
    const enrollment = await enrollmentOf(deps, organizationId, params.campaign_id, params.lead_id);
    await deps.leads.remove(organizationId, params.campaign_id, enrollment.id);
    return { ok: true, data: 'Lead deleted.' };
  },
});

const unsubscribeFromCampaign = smartleadOperation({
  method: 'post',
  path: '/campaigns/{campaign_id}/leads/{lead_id}/unsubscribe',
  tag,
  summary: 'Unsubscribe lead from campaign',
  description:
    'The lead ends unsubscribed in this campaign only; it stays subscribed, in its lists and other campaigns.',
  params: campaignLeadPath,
  body: noBody,
  response: {
    description: 'The lead is unsubscribed from the campaign.',
    schema: okSchema,
    example: { ok: true, data: 'Lead unsubscribed from the campaign.' },
  },
  handle: async ({ deps, organizationId, params }) => {
    const enrollment = await enrollmentOf(deps, organizationId, params.campaign_id, params.lead_id);
    await deps.leads.unsubscribeFromCampaign(organizationId, params.campaign_id, enrollment.id);
    return { ok: true, data: 'Lead unsubscribed from the campaign.' };
  },
});

export const leadActionOperations = [pauseLead, resumeLead, unsubscribeFromCampaign, updateLead, deleteLead];
