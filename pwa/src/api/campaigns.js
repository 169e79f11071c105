// What the campaign screens ask the server: campaigns and their audience, launch, progress and
// refresh, and the territories and saved segments an audience can come from. Online only: a
// campaign is built and followed at a desk, not in the field.
import { request } from "./client.js";

const PAGE_LIMIT = 500;
const id = (value) => encodeURIComponent(value);

// Every page of a GET list (up to `maxPages`), as one array of items.
async function allPages(path, query = {}, maxPages = 4) {
  const params = new URLSearchParams({ ...query, limit: String(PAGE_LIMIT) });
  const items = [];
  for (let pages = 0; pages < maxPages; pages += 1) {
    const page = await request(`${path}?${params}`);
    items.push(...page.items);
    if (!page.next_cursor) break;
    params.set("cursor", page.next_cursor);
  }
  return items;
}

export const campaigns = {
  list: () => allPages("/campaigns"),
  get: (campaignId) => request(`/campaigns/${id(campaignId)}`),
  create: (body) => request("/campaigns", { method: "POST", body }),
  update: (campaignId, body) => request(`/campaigns/${id(campaignId)}`, { method: "PATCH", body }),
  /** `{count, items, next_cursor, clusters}` for an unsaved draft; `signal` aborts it. */
  preview: (body, signal) => request("/campaigns/audience-preview", { method: "POST", body, signal }),
  launch: (campaignId, assignment) =>
    request(`/campaigns/${id(campaignId)}/launch`, { method: "POST", body: { assignment } }),
  stats: (campaignId) => request(`/campaigns/${id(campaignId)}/stats`),
  /** Every target (account, assignee, task, state) for the progress map, up to 10,000. */
  targets: (campaignId) => allPages(`/campaigns/${id(campaignId)}/targets`, {}, 20),
  /** `{added, removed}`: the audience now against the targets. */
  refreshDiff: (campaignId) => request(`/campaigns/${id(campaignId)}/refresh`),
  refresh: (campaignId) => request(`/campaigns/${id(campaignId)}/refresh`, { method: "POST", body: {} }),
  csvHref: (campaignId) => `/api/v1/campaigns/${id(campaignId)}/audience.csv`,
  /** Queue a signed POST of the audience to `url`: the delivery, `state: "queued"`. */
  deliver: (campaignId, url) =>
    request(`/campaigns/${id(campaignId)}/audience/deliveries`, { method: "POST", body: { url } }),
  delivery: (campaignId, deliveryId) =>
    request(`/campaigns/${id(campaignId)}/audience/deliveries/${id(deliveryId)}`),
  /** `{secret}`: the organisation's Standard Webhooks secret that signs deliveries. */
  signingSecret: () => request("/campaigns/signing-secret"),
};

export const territories = { list: () => allPages("/territories") };

export const segments = {
  list: () => allPages("/segments"),
  create: (body) => request("/segments", { method: "POST", body }),
};
