// The look the manager's screens share: the page column, headings, cards, buttons, inputs and
// the muted note, so each view keeps only the styles of its own parts.
import { css } from "lit";

export const screenStyles = css`
  :host { display: block; padding: 8px 12px 32px; max-width: 720px; margin: 0 auto; }
  * { box-sizing: border-box; }
  h1 { font-size: 1.3rem; margin: 8px 0; }
  h2 { font-size: 1.05rem; margin: 16px 0 8px; color: var(--muted); }
  ul.cards { list-style: none; padding: 0; margin: 0; display: grid; gap: 10px; }
  .card { background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 10px 12px; display: grid; gap: 6px; }
  .note { color: var(--muted); margin: 4px 0; overflow-wrap: anywhere; }
  .row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
  button, a.button, select, input, textarea { min-height: 44px; font: inherit; border-radius: 10px; border: 1px solid var(--border); background: var(--card); color: var(--fg); }
  button, a.button { display: inline-flex; align-items: center; justify-content: center; min-width: 44px; padding: 0 14px; text-decoration: none; cursor: pointer; }
  button.primary, a.button.primary { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
  button:disabled { opacity: 0.6; cursor: default; }
  select, input { padding: 0 10px; }
  textarea { padding: 8px 10px; min-height: 88px; width: 100%; resize: vertical; }
  label { font-weight: 600; }
  .late { color: #d93025; font-weight: 600; }
  .saved { color: #137333; font-weight: 600; }
  .error { color: #d93025; }
  @media (prefers-color-scheme: dark) {
    .late, .error { color: #ff8a80; }
    .saved { color: #81c995; }
  }
`;
