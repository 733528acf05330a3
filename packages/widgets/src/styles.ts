// The widgets' stylesheet: theme tokens as CSS custom properties, light/dark, logical properties, reduced motion.

// Every internal token reads a public `--nudgekit-*` property first, so a host themes the widgets by
// setting those on any ancestor (custom properties inherit into shadow roots). The light tokens open the
// stylesheet below; the dark ones replace them for `data-theme=dark`, and for `system` on a dark OS.
// Each internal token is set on a widget element before use, so a host's same-named property never leaks in
// (the meter sets `--l`, its level colour, itself).
const dark =
  '--a:var(--nudgekit-accent,#a5b4fc);--af:var(--nudgekit-accent-fg,#111827);--bg:var(--nudgekit-bg,#111827);' +
  '--fg:var(--nudgekit-fg,#f3f4f6);--mu:var(--nudgekit-muted,#d1d5db);--bd:var(--nudgekit-border,#4b5563);' +
  '--tr:var(--nudgekit-track,#374151);--w:var(--nudgekit-warning,#fbbf24);--d:var(--nudgekit-danger,#fca5a5);' +
  '--ov:var(--nudgekit-overlay,rgb(0 0 0/.6))'

/**
 * The CSS every widget needs, scoped under `.nk` (the element `NudgeRoot` renders). `adoptStyles` installs
 * it; exported for hosts that bundle CSS themselves.
 * Written one rule per line; the literals fold into one string without line breaks when bundled.
 * @example new CSSStyleSheet().replaceSync(css)
 */
export const css =
  '.nk{' +
  '--a:var(--nudgekit-accent,#4338ca);--af:var(--nudgekit-accent-fg,#fff);--bg:var(--nudgekit-bg,#fff);' +
  '--fg:var(--nudgekit-fg,#1f2937);--mu:var(--nudgekit-muted,#4b5563);--bd:var(--nudgekit-border,#d1d5db);' +
  '--tr:var(--nudgekit-track,#e5e7eb);--w:var(--nudgekit-warning,#b45309);--d:var(--nudgekit-danger,#b91c1c);' +
  '--ov:var(--nudgekit-overlay,rgb(17 24 39/.5));--r:var(--nudgekit-radius,8px);--z:var(--nudgekit-z-index,2147483000);font:inherit;color:var(--fg)}' +
  '.nk[data-theme=dark]{' + dark + '}' +
  '@media (prefers-color-scheme:dark){.nk[data-theme=system]{' + dark + '}}' +
  '.nk *{box-sizing:border-box}' +
  '.nk-card{background:var(--bg);color:var(--fg);border:1px solid var(--bd);border-radius:var(--r);padding:16px;display:flex;gap:12px;align-items:flex-start;line-height:1.45}' +
  '.nk-main{flex:1;min-inline-size:0}' +
  '.nk-title,.nk-status,.nk-level{font-weight:600;margin:0}' +
  '.nk-body{margin:4px 0 0;color:var(--mu)}' +
  '.nk-actions{display:flex;flex-wrap:wrap;align-items:center;gap:8px;margin-block-start:12px}.nk-actions:empty{display:none}' +
  ':where(.nk button){font:inherit;background:none;border:0;cursor:pointer}' +
  '.nk-btn{font-weight:600;border:1px solid var(--a);border-radius:var(--r);padding:6px 14px;background:var(--a);color:var(--af);text-decoration:none;display:inline-block;transition:filter .15s}' +
  '.nk-btn:hover{filter:brightness(1.1)}' +
  '.nk-text{padding:6px 4px;color:var(--fg);text-decoration:underline}' +
  '.nk-close{font-size:1.25em;line-height:1;border-radius:var(--r);padding:4px 8px;color:var(--mu);margin-inline-start:auto}' +
  '.nk :focus-visible{outline:2px solid var(--a);outline-offset:2px}' +
  '.nk [tabindex="-1"]:focus{outline:none}' +
  '.nk-banner{position:var(--nudgekit-banner-position,static);inset-block-start:0;inset-inline:0;z-index:var(--z);border-radius:0;border-width:0 0 1px}' +
  '.nk-toast{position:fixed;inset-block-end:16px;inset-inline-end:16px;max-inline-size:min(360px,calc(100vw - 32px));z-index:var(--z);box-shadow:0 8px 24px rgb(0 0 0/.2);animation:nk-in .2s ease-out}' +
  '.nk-backdrop{position:fixed;inset:0;background:var(--ov);display:grid;place-items:center;padding:16px;z-index:var(--z)}' +
  '.nk-modal{max-inline-size:28rem;inline-size:100%;box-shadow:0 16px 48px rgb(0 0 0/.3);animation:nk-in .2s ease-out}' +
  'h2.nk-title{font-size:1.25em}' +
  '.nk-gate{flex-direction:column}' +
  '.nk-meter{--l:var(--a);display:grid;gap:4px;background:var(--bg);border-radius:var(--r);padding:8px 12px}' +
  '.nk-meter-head{display:flex;justify-content:space-between;gap:8px}' +
  '.nk-bar{block-size:8px;border-radius:999px;background:var(--tr);overflow:hidden}' +
  '.nk-fill{block-size:100%;inline-size:var(--nk-fill,0%);background:var(--l);transition:inline-size .3s}' +
  '.nk-warn{--l:var(--w)}' +
  '.nk-critical{--l:var(--d)}' +
  '.nk-level{color:var(--l)}' +
  '@keyframes nk-in{from{opacity:0;transform:translateY(8px)}}' +
  '@media (prefers-reduced-motion:reduce){.nk *{transition:none!important;animation:none!important}}'
