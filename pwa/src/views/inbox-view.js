import { LitElement, css, html, nothing } from "lit";
import { LANGUAGE_EVENT, t } from "../i18n.js";
import { OUTBOX_EVENT, dismiss, inbox } from "../store/outbox.js";
import { saveChange } from "../sync/index.js";

// What the server did not apply: conflicts (the account or task changed on the server since the
// rep's edit was made; the server's copy is already shown) and rejections (never retried). "Keep mine"
// sends the rep's changes again as a new edit of the server's version; "take theirs" drops them.
export class InboxView extends LitElement {
  static properties = { items: { state: true } };

  static styles = css`
    :host { display: block; padding: 8px 12px 32px; max-width: 720px; margin: 0 auto; }
    h1 { font-size: 1.3rem; }
    ul { list-style: none; padding: 0; margin: 0; display: grid; gap: 12px; }
    li { background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 12px; display: grid; gap: 8px; }
    table { width: 100%; border-collapse: collapse; table-layout: fixed; }
    th, td { text-align: left; padding: 4px; border-bottom: 1px solid var(--border); overflow-wrap: anywhere; }
    .row { display: flex; flex-wrap: wrap; gap: 8px; }
    button { min-height: 44px; padding: 0 14px; border-radius: 10px; border: 1px solid var(--border); background: var(--card); color: var(--fg); font: inherit; }
    button.primary { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
    .note { color: var(--muted); }
  `;

  constructor() {
    super();
    this.items = [];
    this.reload = () => this.load();
  }

  connectedCallback() {
    super.connectedCallback();
    window.addEventListener(OUTBOX_EVENT, this.reload);
    window.addEventListener(LANGUAGE_EVENT, this.reload);
    this.load();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener(OUTBOX_EVENT, this.reload);
    window.removeEventListener(LANGUAGE_EVENT, this.reload);
  }

  async load() {
    this.items = await inbox();
  }

  async keepMine(item) {
    const { op, data } = item.mutation;
    await saveChange(op, data, { base_version: item.entity.version });
    await dismiss(item.id);
  }

  render() {
    return html`<h1>${t("inbox.title")}</h1>
      ${this.items.length === 0 ? html`<p class="note">${t("inbox.empty")}</p>` : html`<ul>${this.items.map((item) => this.renderItem(item))}</ul>`}`;
  }

  renderItem(item) {
    const { mutation } = item;
    const label = html`<strong>${t(`inbox.op.${mutation.op}`)}</strong>`;
    const kind = { "account.update": "account", "task.update": "task" }[mutation.op];
    if (item.status === "conflict" && kind && item.entity) {
      const { id: _id, ...changes } = mutation.data;
      const shown = (field, value) =>
        kind === "task" && field === "status" && value ? t(`task.status.${value}`) : (value ?? "—");
      return html`<li class="conflict" data-mutation=${mutation.id} data-entity=${kind}>${label}<span>${item.entity.name ?? item.entity.title ?? ""}</span>
        <p class="note">${t(kind === "task" ? "inbox.taskConflict" : "inbox.conflict")}</p>
        <table><thead><tr><th scope="col">${t("account.field")}</th><th scope="col">${t("account.theirs")}</th><th scope="col">${t("account.yours")}</th></tr></thead>
        <tbody>${Object.entries(changes).map(
          ([field, mine]) => html`<tr data-field=${field}><th scope="row">${t(`${kind}.${field}`)}</th>
          <td class="theirs">${shown(field, item.entity[field])}</td><td class="mine">${shown(field, mine)}</td></tr>`,
        )}</tbody></table>
        <div class="row"><button class="keep-mine primary" @click=${() => this.keepMine(item)}>${t("inbox.keepMine")}</button>
          <button class="take-theirs" @click=${() => dismiss(item.id)}>${t("inbox.takeTheirs")}</button></div></li>`;
    }
    const reason = item.error?.message ?? item.error?.code ?? item.status;
    return html`<li class="rejected" data-mutation=${mutation.id}>${label}
      <p>${t("inbox.rejected", { reason })}</p>
      ${
        item.error?.fields
          ? html`<p class="note">${Object.entries(item.error.fields)
              .map(([field, why]) => `${field}: ${why}`)
              .join("; ")}</p>`
          : nothing
      }
      <div class="row"><button class="dismiss" @click=${() => dismiss(item.id)}>${t("inbox.dismiss")}</button></div></li>`;
  }
}
customElements.define("wp-inbox", InboxView);
