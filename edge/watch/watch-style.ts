/** The page's only stylesheet, inline: a shared link must load in one request. */
export const WATCH_STYLE = `
:root{--bg:#f5f6f8;--fg:#14161a;--muted:#5a6170;--card:#fff;--line:#e2e5ea;--accent:#4338ca;--on-accent:#fff;--ok:#15803d;--bad:#c2410c}
@media (prefers-color-scheme:dark){:root{--bg:#0d0f12;--fg:#eceef2;--muted:#9ba3b1;--card:#171a1f;--line:#272c34;--accent:#a5b4fc;--on-accent:#11132a;--ok:#4ade80;--bad:#fb923c}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:960px;margin:0 auto;padding:16px 16px 40px}
.brand{display:flex;align-items:center;gap:8px;margin:0 0 14px;font-size:14px;font-weight:600;color:var(--muted)}
.brand svg{color:var(--accent)}
.stage{border-radius:14px;overflow:hidden;background:#000;box-shadow:0 1px 2px rgb(0 0 0/.08),0 8px 28px rgb(0 0 0/.12)}
video{display:block;width:100%;height:auto;max-height:75vh;background:#000}
.placeholder{display:grid;place-items:center;aspect-ratio:5/2;color:var(--muted);background:var(--card)}
[data-state=queued] .placeholder,[data-state=processing] .placeholder{aspect-ratio:16/9;background:linear-gradient(110deg,var(--card) 30%,var(--line) 50%,var(--card) 70%) 0 0/300% 100%;animation:sheen 2.4s linear infinite}
@keyframes sheen{to{background-position:-150% 0}}
h1{margin:20px 0 10px;font-size:clamp(20px,4.6vw,28px);line-height:1.25;overflow-wrap:anywhere}
.status{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 10px;margin:0}
.status p{margin:0;font-weight:600}
.dot{flex:none;align-self:center;width:10px;height:10px;border-radius:50%;background:var(--bad)}
[data-state=queued] .dot,[data-state=processing] .dot{background:var(--accent);animation:pulse 1.6s ease-in-out infinite}
[data-state=done] .dot{background:var(--ok)}
@keyframes pulse{50%{opacity:.35}}
[role=timer]{color:var(--muted);font-variant-numeric:tabular-nums}
.detail{margin:6px 0 0;color:var(--muted);max-width:62ch}
.actions{display:flex;flex-wrap:wrap;gap:12px;margin:20px 0 0}
.button{display:inline-flex;align-items:center;gap:8px;min-height:44px;padding:10px 20px;border-radius:999px;background:var(--accent);color:var(--on-accent);font-weight:600;text-decoration:none}
.button:focus-visible{outline:3px solid var(--fg);outline-offset:2px}
footer{margin-top:28px;padding-top:12px;border-top:1px solid var(--line);font-size:14px;color:var(--muted)}
footer code{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}
@media (prefers-reduced-motion:reduce){*{animation:none!important}}
`;
