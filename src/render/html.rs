//! The scorecard as one self-contained HTML page: inline CSS and a small inline script, no
//! network. It reads with scripts off (the filters appear only when the script runs), prints
//! cleanly, and never lets a manifest's text become markup.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::report::Verdict;
use crate::scorecard::{CellState, HORIZON_DAYS, Row, SOON_DAYS, Scorecard};

/// Escapes text for HTML content and quoted attribute values; control characters are dropped
/// so report text cannot smuggle anything past the parser.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Icon and words for a cell state; the icon is decoration, the word carries the meaning.
fn cell_label(state: CellState) -> (&'static str, &'static str, &'static str) {
    match state {
        CellState::Pass => ("pass", "✓", "pass"),
        CellState::Fail => ("fail", "✗", "fail"),
        CellState::Hold => ("hold", "◐", "hold"),
        CellState::Waived => ("waived", "⚑", "waived"),
        CellState::NotApplicable => ("na", "–", "n/a"),
    }
}

/// Icon and words for a verdict.
fn verdict_label(v: Verdict) -> (&'static str, &'static str, &'static str) {
    match v {
        Verdict::Pass => ("pass", "✓", "ready"),
        Verdict::Fail => ("fail", "✗", "not ready"),
        Verdict::Hold => ("hold", "◐", "held"),
    }
}

const STYLE: &str = r#"
:root{--pass:#1a7f37;--pass-bg:#dafbe1;--fail:#b3261e;--fail-bg:#ffebe9;--hold:#8a5a00;--hold-bg:#fff4d6;--waived:#5a3fb0;--waived-bg:#eee8ff;--na:#57606a;--na-bg:#f3f4f6;--line:#d0d7de;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#fff}
body{margin:0 auto;padding:1rem;max-width:100%;line-height:1.4}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.meta{color:#57606a;margin:.2rem 0 1rem}
.tiles{display:flex;flex-wrap:wrap;gap:.6rem;list-style:none;padding:0;margin:0}
.tile{border:1px solid var(--line);border-radius:.5rem;padding:.5rem .9rem;min-width:8rem}
.tile b{display:block;font-size:1.6rem}
.tile.pass{border-left:.4rem solid var(--pass)}.tile.fail{border-left:.4rem solid var(--fail)}.tile.hold{border-left:.4rem solid var(--hold)}.tile.waived{border-left:.4rem solid var(--waived)}
.scroll{overflow-x:auto;max-width:100%;border:1px solid var(--line);border-radius:.4rem}
.scroll:focus{outline:2px solid #0969da}
table{border-collapse:collapse;font-size:.85rem}
caption{text-align:left;font-weight:600;padding:.4rem .5rem;caption-side:top}
th,td{border:1px solid var(--line);padding:.25rem .4rem;vertical-align:top;text-align:left}
thead th{background:#f6f8fa;position:sticky;top:0;z-index:1}
#matrix thead th.item{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;font-weight:500;max-height:14rem}
#matrix tbody th{position:sticky;left:0;background:#fff;white-space:nowrap;z-index:0}
td.pass,.v.pass{background:var(--pass-bg);color:var(--pass)}
td.fail,.v.fail{background:var(--fail-bg);color:var(--fail)}
td.hold,.v.hold{background:var(--hold-bg);color:var(--hold)}
td.waived{background:var(--waived-bg);color:var(--waived)}
td.na{background:var(--na-bg);color:var(--na)}
td.pass,td.fail,td.hold,td.waived,td.na{white-space:nowrap}
td details{white-space:normal;min-width:6rem}
td details p{margin:.3rem 0 0;color:#1f2328;max-width:22rem}
summary{cursor:pointer}
.adv{font-size:.75em}
.path{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.8em;word-break:break-all;min-width:12rem}
#matrix td.path{white-space:nowrap;word-break:normal}
.controls{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;margin:.5rem 0;border:1px solid var(--line);border-radius:.4rem;padding:.5rem .8rem}
.controls label{display:flex;flex-direction:column;font-size:.85rem}
.controls select{font:inherit;padding:.15rem}
col.hit,th.hit{outline:2px solid #0969da}
.empty{color:#57606a}
@media (max-width:40rem){body{padding:.5rem}.tile{min-width:6rem;padding:.4rem .6rem}.tile b{font-size:1.3rem}}
@media print{.controls{display:none!important}.scroll{overflow:visible;border:0}thead th,#matrix tbody th{position:static}tr{break-inside:avoid}td.pass,td.fail,td.hold,td.waived,td.na,.v{-webkit-print-color-adjust:exact;print-color-adjust:exact}body{padding:0}}
"#;

const SCRIPT: &str = r#"
(function(){
var form=document.getElementById('filters'),table=document.getElementById('matrix');
if(!form||!table)return;
var body=table.tBodies[0],rows=[].slice.call(body.rows),head=table.tHead.rows[0].cells,items=[];
for(var i=0;i<head.length;i++)items.push(head[i].getAttribute('data-item')||'');
rows.forEach(function(r,i){r.setAttribute('data-order',i)});
var rank={fail:0,hold:1,pass:2};
function sel(n){return form.elements.namedItem(n)}
function apply(){
var keys=['team','tier','stage','verdict'],item=sel('item').value,state=sel('state').value,col=items.indexOf(item),shown=0,hash=[];
keys.concat(['item','state','sort']).forEach(function(k){if(sel(k).value&&!(k==='sort'&&sel(k).value==='team'))hash.push(k+'='+encodeURIComponent(sel(k).value))});
for(var c=0;c<head.length;c++)head[c].classList.toggle('hit',c===col);
rows.forEach(function(r){
var ok=keys.every(function(k){return !sel(k).value||r.getAttribute('data-'+k)===sel(k).value});
if(ok&&col>=0){var s=r.cells[col].className;ok=state?s===state:s!=='na'}
else if(ok&&state){ok=[].some.call(r.cells,function(td){return td.className===state})}
r.hidden=!ok;if(ok)shown++});
var by=sel('sort').value;
rows.slice().sort(function(a,b){
var x,y;
if(by==='verdict'){x=rank[a.getAttribute('data-verdict')];y=rank[b.getAttribute('data-verdict')]}
else if(by==='failing'){x=-a.getAttribute('data-failing');y=-b.getAttribute('data-failing')}
else if(by==='tier'){x=+(a.getAttribute('data-tier')||99);y=+(b.getAttribute('data-tier')||99)}
else{x=a.getAttribute('data-'+by)||'';y=b.getAttribute('data-'+by)||''}
if(x<y)return -1;if(x>y)return 1;return a.getAttribute('data-order')-b.getAttribute('data-order')
}).forEach(function(r){body.appendChild(r)});
document.getElementById('shown').textContent=shown+' of '+rows.length+' services shown';
if(history.replaceState)history.replaceState(null,'',hash.length?'#'+hash.join('&'):location.pathname+location.search);
}
location.hash.replace(/^#/,'').split('&').forEach(function(kv){
var p=kv.split('='),e=sel(p[0]);if(!e||e.tagName!=='SELECT')return;
var v=decodeURIComponent(p[1]||'');
for(var i=0;i<e.options.length;i++)if(e.options[i].value===v)e.value=v});
form.addEventListener('change',apply);
form.addEventListener('submit',function(e){e.preventDefault()});
window.addEventListener('beforeprint',function(){[].forEach.call(document.querySelectorAll('details'),function(d){d.open=true})});
form.hidden=false;
apply();
document.documentElement.setAttribute('data-script','ready');
})();
"#;

/// Renders the page.
pub fn render(card: &Scorecard) -> String {
    let mut out = String::with_capacity(4096 + card.rows.len() * card.columns.len() * 40);
    let h = &card.headline;
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    // Nothing may load from anywhere: the page is one file, and report text is data.
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        out,
        "<title>Readiness across {} services: launchgate</title>",
        h.services
    );
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");
    out.push_str("<header>\n<h1>Readiness across services</h1>\n");
    let _ = writeln!(
        out,
        "<p class=\"meta\">Evaluated at <time datetime=\"{0}\">{0}</time> by launchgate {1}. Waivers and evidence are counted from {2}.</p>\n</header>\n<main>",
        esc(&card.now),
        env!("CARGO_PKG_VERSION"),
        esc(&card.today)
    );
    summary(&mut out, card);
    failing(&mut out, card);
    waivers(&mut out, card);
    stale(&mut out, card);
    matrix(&mut out, card);
    out.push_str("</main>\n");
    let _ = writeln!(out, "<script>{SCRIPT}</script>\n</body>\n</html>");
    out
}

fn summary(out: &mut String, card: &Scorecard) {
    let h = &card.headline;
    out.push_str("<section aria-labelledby=\"h-summary\">\n<h2 id=\"h-summary\">Summary</h2>\n<ul class=\"tiles\" id=\"headline\">\n");
    let tiles = [
        ("", "", h.services, "services", "services"),
        ("pass", "✓", h.ready, "ready", "ready"),
        ("fail", "✗", h.not_ready, "not ready", "not-ready"),
        ("hold", "◐", h.held, "held", "held"),
        (
            "waived",
            "⚑",
            h.waivers_soon,
            "waivers expiring within 14 days",
            "waivers-14",
        ),
        (
            "waived",
            "⚑",
            h.waivers_horizon,
            "waivers expiring within 30 days",
            "waivers-30",
        ),
        (
            "hold",
            "◷",
            h.stale_soon,
            "evidence going stale within 30 days",
            "stale-30",
        ),
    ];
    for (class, icon, n, words, key) in tiles {
        let icon = if icon.is_empty() {
            String::new()
        } else {
            format!("<span aria-hidden=\"true\">{icon}</span> ")
        };
        let _ = writeln!(
            out,
            "<li class=\"tile {class}\" data-count=\"{key}\"><b>{n}</b>{icon}{words}</li>"
        );
    }
    out.push_str("</ul>\n</section>\n");
}

fn failing(out: &mut String, card: &Scorecard) {
    out.push_str("<section aria-labelledby=\"h-failing\">\n<h2 id=\"h-failing\">Items failing most often</h2>\n");
    if card.failing.is_empty() {
        out.push_str("<p class=\"empty\">No item fails for any service.</p>\n</section>\n");
        return;
    }
    out.push_str("<ol id=\"failing\">\n");
    for f in &card.failing {
        let _ = writeln!(
            out,
            "<li data-item=\"{0}\"><code>{0}</code> {1}: <b>{2}</b> service{3}</li>",
            esc(&f.item),
            esc(&f.title),
            f.services,
            if f.services == 1 { "" } else { "s" }
        );
    }
    out.push_str("</ol>\n</section>\n");
}

fn waivers(out: &mut String, card: &Scorecard) {
    let _ = writeln!(
        out,
        "<section aria-labelledby=\"h-waivers\">\n<h2 id=\"h-waivers\">Waivers expiring soon</h2>"
    );
    if card.waivers.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"empty\">No waiver expires within {HORIZON_DAYS} days.</p>\n</section>"
        );
        return;
    }
    let _ = writeln!(
        out,
        "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"c-waivers\">\n<table id=\"waivers\">\n<caption id=\"c-waivers\">Waivers expiring within {HORIZON_DAYS} days ({} within {SOON_DAYS} days)</caption>",
        card.headline.waivers_soon
    );
    out.push_str("<thead><tr><th scope=\"col\">Expires in</th><th scope=\"col\">Service</th><th scope=\"col\">Item</th><th scope=\"col\">Approved by</th><th scope=\"col\">Last valid day</th><th scope=\"col\">Reason</th><th scope=\"col\">Manifest</th></tr></thead>\n<tbody>\n");
    for w in &card.waivers {
        let window = if w.soon {
            format!("≤ {SOON_DAYS} days")
        } else {
            format!("≤ {HORIZON_DAYS} days")
        };
        let _ = writeln!(
            out,
            "<tr><td class=\"{cls}\"><span aria-hidden=\"true\">⚑</span> {days} day{s} <span class=\"adv\">({window})</span></td><th scope=\"row\">{svc}</th><td><code>{item}</code></td><td>{by}</td><td><time datetime=\"{exp}\">{exp}</time></td><td>{reason}</td><td class=\"path\">{path}</td></tr>",
            cls = if w.soon { "fail" } else { "hold" },
            days = w.days_left,
            s = if w.days_left == 1 { "" } else { "s" },
            svc = esc(&w.service),
            item = esc(&w.item),
            by = esc(&w.approved_by),
            exp = esc(&w.expires),
            reason = esc(&w.reason),
            path = esc(&w.path),
        );
    }
    out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

fn stale(out: &mut String, card: &Scorecard) {
    out.push_str(
        "<section aria-labelledby=\"h-stale\">\n<h2 id=\"h-stale\">Evidence going stale</h2>\n",
    );
    if card.stale.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"empty\">No dated evidence passes its age limit within {HORIZON_DAYS} days.</p>\n</section>"
        );
        return;
    }
    let _ = writeln!(
        out,
        "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"c-stale\">\n<table id=\"stale\">\n<caption id=\"c-stale\">Evidence that passes its checklist item's age limit within {HORIZON_DAYS} days</caption>"
    );
    out.push_str("<thead><tr><th scope=\"col\">Stale in</th><th scope=\"col\">Service</th><th scope=\"col\">Item</th><th scope=\"col\">Evidence</th><th scope=\"col\">Dated</th><th scope=\"col\">Limit</th><th scope=\"col\">Fails from</th><th scope=\"col\">Manifest</th></tr></thead>\n<tbody>\n");
    for s in &card.stale {
        let _ = writeln!(
            out,
            "<tr><td class=\"hold\"><span aria-hidden=\"true\">◷</span> {days} day{pl}</td><th scope=\"row\">{svc}</th><td><code>{item}</code> {title}</td><td><code>{field}</code></td><td><time datetime=\"{date}\">{date}</time></td><td>{max} days</td><td><time datetime=\"{on}\">{on}</time></td><td class=\"path\">{path}</td></tr>",
            days = s.days_left,
            pl = if s.days_left == 1 { "" } else { "s" },
            svc = esc(&s.service),
            item = esc(&s.item),
            title = esc(&s.title),
            field = esc(&s.field),
            date = esc(&s.date),
            max = s.max_age_days,
            on = esc(&s.stale_on),
            path = esc(&s.path),
        );
    }
    out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

fn options(out: &mut String, name: &str, label: &str, any: &str, values: &[(String, String)]) {
    let _ = write!(
        out,
        "<label>{label} <select name=\"{name}\"><option value=\"\">{any}</option>"
    );
    for (value, text) in values {
        let _ = write!(
            out,
            "<option value=\"{}\">{}</option>",
            esc(value),
            esc(text)
        );
    }
    out.push_str("</select></label>\n");
}

fn distinct(rows: &[Row], get: impl Fn(&Row) -> Option<String>) -> Vec<(String, String)> {
    let set: BTreeSet<String> = rows.iter().filter_map(get).collect();
    set.into_iter().map(|v| (v.clone(), v)).collect()
}

fn matrix(out: &mut String, card: &Scorecard) {
    out.push_str("<section aria-labelledby=\"h-matrix\">\n<h2 id=\"h-matrix\">Services by checklist item</h2>\n");
    // Hidden until the script runs: with scripts off there is nothing these could do.
    out.push_str(
        "<form id=\"filters\" class=\"controls\" hidden aria-label=\"Filter and sort services\">\n",
    );
    options(
        out,
        "team",
        "Team",
        "all",
        &distinct(&card.rows, |r| r.team.clone()),
    );
    let mut tiers: Vec<u8> = card.rows.iter().filter_map(|r| r.tier).collect();
    tiers.sort_unstable();
    tiers.dedup();
    let tiers: Vec<(String, String)> = tiers
        .into_iter()
        .map(|t| (t.to_string(), format!("tier {t}")))
        .collect();
    options(out, "tier", "Tier", "all", &tiers);
    options(
        out,
        "stage",
        "Stage",
        "all",
        &distinct(&card.rows, |r| r.stage.clone()),
    );
    let verdicts: Vec<(String, String)> = [Verdict::Fail, Verdict::Hold, Verdict::Pass]
        .into_iter()
        .map(|v| (v.as_str().to_string(), verdict_label(v).2.to_string()))
        .collect();
    options(out, "verdict", "Verdict", "all", &verdicts);
    let items: Vec<(String, String)> = card
        .columns
        .iter()
        .map(|c| (c.id.clone(), c.id.clone()))
        .collect();
    options(out, "item", "Item", "any", &items);
    let states: Vec<(String, String)> = [
        CellState::Fail,
        CellState::Hold,
        CellState::Waived,
        CellState::Pass,
        CellState::NotApplicable,
    ]
    .into_iter()
    .map(|s| (cell_label(s).0.to_string(), cell_label(s).2.to_string()))
    .collect();
    options(out, "state", "Item state", "any", &states);
    out.push_str("<label>Sort by <select name=\"sort\"><option value=\"team\">team</option><option value=\"service\">service</option><option value=\"tier\">tier</option><option value=\"stage\">stage</option><option value=\"verdict\">verdict (worst first)</option><option value=\"failing\">failing items (most first)</option></select></label>\n");
    out.push_str("<output id=\"shown\" aria-live=\"polite\"></output>\n</form>\n");

    out.push_str("<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"c-matrix\">\n<table id=\"matrix\">\n");
    let _ = writeln!(
        out,
        "<caption id=\"c-matrix\">{} services × {} checklist items: ✓ pass, ✗ fail, ◐ hold, ⚑ waived, – not applicable. Open a cell for its findings.</caption>",
        card.rows.len(),
        card.columns.len()
    );
    out.push_str("<thead><tr><th scope=\"col\">Service</th><th scope=\"col\">Team</th><th scope=\"col\">Tier</th><th scope=\"col\">Stage</th><th scope=\"col\">Verdict</th>");
    for c in &card.columns {
        let _ = write!(
            out,
            "<th scope=\"col\" class=\"item\" data-item=\"{id}\" title=\"{title}\">{id}</th>",
            id = esc(&c.id),
            title = esc(&c.title)
        );
    }
    out.push_str("<th scope=\"col\">Manifest</th></tr></thead>\n<tbody>\n");
    for r in &card.rows {
        row(out, r);
    }
    out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

fn row(out: &mut String, r: &Row) {
    let failing = r.counts.get(&CellState::Fail).copied().unwrap_or(0);
    let (vclass, vicon, vword) = verdict_label(r.verdict);
    let _ = write!(
        out,
        "<tr data-service=\"{svc}\" data-team=\"{team}\" data-tier=\"{tier}\" data-stage=\"{stage}\" data-verdict=\"{verdict}\" data-failing=\"{failing}\"><th scope=\"row\">{svc}</th><td>{team}</td><td>{tier}</td><td>{stage}</td><td class=\"v {vclass}\"><span aria-hidden=\"true\">{vicon}</span> {vword}</td>",
        svc = esc(&r.service),
        team = esc(r.team.as_deref().unwrap_or("")),
        tier = r.tier.map(|t| t.to_string()).unwrap_or_default(),
        stage = esc(r.stage.as_deref().unwrap_or("")),
        verdict = r.verdict.as_str(),
    );
    for cell in &r.cells {
        let (class, icon, word) = cell_label(cell.state);
        let word = if cell.advisory {
            "fail <span class=\"adv\">(advisory)</span>".to_string()
        } else {
            word.to_string()
        };
        if cell.state == CellState::Pass || cell.messages.is_empty() {
            let _ = write!(
                out,
                "<td class=\"{class}\"><span aria-hidden=\"true\">{icon}</span> {word}</td>"
            );
            continue;
        }
        let _ = write!(
            out,
            "<td class=\"{class}\"><details><summary><span aria-hidden=\"true\">{icon}</span> {word}</summary>"
        );
        for m in &cell.messages {
            let _ = write!(out, "<p>{}</p>", esc(m));
        }
        out.push_str("</details></td>");
    }
    let _ = write!(out, "<td class=\"path\">{}", esc(&r.path));
    if let Some(from) = &r.from {
        let _ = write!(
            out,
            " <span class=\"adv\">(from {}, checked at {})</span>",
            esc(from),
            esc(&r.checked_at)
        );
    }
    out.push_str("</td></tr>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_controls() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\"\u{1b}[31m"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;[31m"
        );
    }
}
