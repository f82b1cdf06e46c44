//! The public edition: the report in English and Traditional Chinese, on a phone and a desktop
//! screen in a real browser, the weights in the page re-ranking exactly as the engine does,
//! no English left in the Chinese edition, and `gap --match`.

use crate::util::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Measures the page once it has loaded and writes the result into the DOM (for `--dump-dom`):
/// how wide the document is, where each ranking bar and its labels lie, where each legend lies
/// in its drawing, and (with `#w=` in the address) the ranking the page shows.
const PROBE: &str = r#"<script>
window.addEventListener('load', function () {
  var chart = document.getElementById('ranking-chart');
  function box(e) { var r = e.getBoundingClientRect(); return [r.left, r.right, r.width]; }
  var out = {
    scrollWidth: document.scrollingElement.scrollWidth,
    clientWidth: document.scrollingElement.clientWidth,
    innerWidth: window.innerWidth,
    hash: location.hash,
    bars: [], legends: []
  };
  document.querySelectorAll('#ranking-chart g.bar').forEach(function (g) {
    out.bars.push({
      fund: g.getAttribute('data-fund'), rank: +g.getAttribute('data-rank'), score: +g.getAttribute('data-score'),
      rect: box(g.querySelector('rect')), value: box(g.querySelector('text.value')), label: box(g.querySelector('text.label'))
    });
  });
  document.querySelectorAll('svg').forEach(function (svg) {
    if (!svg.getBoundingClientRect().width) return;
    var vb = svg.viewBox.baseVal;
    svg.querySelectorAll('.legend').forEach(function (g) {
      var b = g.getBBox();
      out.legends.push({ svg: svg.id, x: b.x, y: b.y, right: b.x + b.width, bottom: b.y + b.height, w: vb.width, h: vb.height });
    });
  });
  // Every table and the box it sits in; the roadmap's disclosure names, the scores and the
  // rank intervals as a reader sees them; the assessors' notes on the cards.
  out.tables = [];
  document.querySelectorAll('.table-wrap').forEach(function (w) {
    var t = w.querySelector('table'), r = t.getBoundingClientRect();
    out.tables.push({ box: w.clientWidth, scroll: w.scrollWidth, left: r.left, right: r.right,
      caption: (t.querySelector('caption') || {}).textContent || '', stacked: w.classList.contains('stacked') });
  });
  out.scrolls = [];
  document.querySelectorAll('.scroll').forEach(function (w) {
    if (w.getBoundingClientRect().width) out.scrolls.push({ box: w.clientWidth, scroll: w.scrollWidth, cls: w.className });
  });
  out.roadmap = [];
  document.querySelectorAll('#roadmap td.key').forEach(function (td) {
    out.roadmap.push({ text: td.textContent, rect: box(td) });
  });
  out.scores = [];
  document.querySelectorAll('#scores tr[data-fund]').forEach(function (tr) {
    out.scores.push({ fund: tr.getAttribute('data-fund'), rect: box(tr.querySelector('td.score, td.muted')) });
  });
  out.intervals = [];
  document.querySelectorAll('#robustness-chart g.rank-interval').forEach(function (g) {
    out.intervals.push({ fund: g.getAttribute('data-fund'), low: +g.getAttribute('data-low'),
      high: +g.getAttribute('data-high'), text: (g.querySelector('text.interval') || {}).textContent });
  });
  out.notes = document.querySelectorAll('.card .note').length;
  var slider = document.querySelector('#weights input[data-category="reporting"]');
  if (location.hash.indexOf('slide') >= 0 && slider) {
    slider.value = '7';
    slider.dispatchEvent(new Event('input'));
    out.after = location.hash;
    out.moved = document.getElementById('weights-moved').textContent;
    out.bars.forEach(function (b) {
      b.moved = +chart.querySelector('g.bar[data-fund="' + b.fund + '"]').getAttribute('data-moved');
    });
    // With the chart's top at the top of the screen, the panel docked below it.
    window.scrollTo(0, chart.getBoundingClientRect().top + window.scrollY);
    var p = document.getElementById('weights').getBoundingClientRect(), c = chart.getBoundingClientRect();
    out.docked = { panelTop: p.top, panelBottom: p.bottom, chartTop: c.top, height: window.innerHeight };
  }
  parent.postMessage(JSON.stringify(out), '*');
});
</script>
"#;

/// The report written from a copy of the data, in both languages.
/// Written once per test run and shared by the tests that read it (each writes only files of
/// its own beside it), in the build's scratch folder.
fn reports() -> &'static Shared {
    static SHARED: std::sync::OnceLock<Shared> = std::sync::OnceLock::new();
    SHARED.get_or_init(|| {
        let dir = scratch("edition-reports");
        copy_data(&dir);
        // Lighter than the published run (the layout and words are tested, not the figures).
        let r = swfscore(&dir, &["report", "--out", "out", "--samples", "2000", "--backtest-runs", "1"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        Shared(dir)
    })
}

/// The folder [`reports`] wrote.
#[derive(Debug)]
struct Shared(std::path::PathBuf);

impl Shared {
    fn path(&self) -> &Path {
        &self.0
    }
}

/// A copy of `page` with the probe, beside it (so relative links still resolve).
fn probed(page: &Path) -> std::path::PathBuf {
    let html = std::fs::read_to_string(page).unwrap();
    let at = html.rfind("</body>").expect("a body");
    let copy = page.with_extension("probe.html");
    // Written aside and renamed: tests running at once probe the same page.
    let aside = tempfile::NamedTempFile::new_in(page.parent().unwrap()).unwrap();
    std::fs::write(aside.path(), format!("{}{PROBE}{}", &html[..at], &html[at..])).unwrap();
    aside.persist(&copy).unwrap();
    copy
}

/// Loads each `(page, fragment, width)` in a frame of that width, all in one Chromium run (a
/// launch costs seconds), and returns each frame's measurements in order. With `shot = (file,
/// n)`, the same run also takes a screenshot of the first `n` frames side by side, 900 px high.
fn measure_all(browser: &str, pages: &[(&Path, &str, u32)], shot: Option<(&Path, usize)>) -> Vec<serde_json::Value> {
    let dir = pages[0].0.parent().unwrap();
    let frames: String = pages
        .iter()
        .map(|(page, fragment, width)| {
            // By its whole path: the pages may lie in different folders.
            let url = format!("file://{}", page.canonicalize().unwrap().display());
            format!("<iframe src=\"{url}{fragment}\" width=\"{width}\" height=\"900\" style=\"border:0;flex:none\"></iframe>")
        })
        .collect();
    // Each frame's probe posts its measurements; they are written out by the frame's index.
    let html = format!(
        "<!DOCTYPE html><html><body style=\"margin:0\"><div style=\"display:flex;flex-wrap:wrap;align-items:flex-start\">{frames}</div><script>window.addEventListener('message', function (e) {{ var f = Array.prototype.indexOf.call(document.querySelectorAll('iframe'), Array.prototype.find.call(document.querySelectorAll('iframe'), function (x) {{ return x.contentWindow === e.source; }})); var p = document.createElement('pre'); p.id = 'probe-' + f; p.textContent = e.data; document.body.appendChild(p); }});</script></body></html>"
    );
    let wrapper = dir.join(format!("frames-{}.html", pages.len()));
    std::fs::write(&wrapper, html).unwrap();
    let widest = pages.iter().map(|p| p.2).max().unwrap().max(500);
    let mut flags = vec!["--virtual-time-budget=8000".to_string(), "--dump-dom".into()];
    match shot {
        Some((file, n)) => {
            flags.push(format!("--window-size={},900", pages[..n].iter().map(|p| p.2).sum::<u32>().max(widest)));
            flags.push(format!("--screenshot={}", file.display()));
        }
        None => flags.push(format!("--window-size={widest},900")),
    }
    let dom = headless(browser, &format!("file://{}", wrapper.display()), &flags);
    (0..pages.len())
        .map(|k| {
            let open = format!("<pre id=\"probe-{k}\">");
            let start = dom.find(&open).unwrap_or_else(|| panic!("the probe of {:?} ran", pages[k])) + open.len();
            let end = start + dom[start..].find("</pre>").unwrap();
            let json =
                dom[start..end].replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
        })
        .collect()
}

/// Width and height from a PNG's header.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[1..4], b"PNG", "a PNG");
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    (be(16), be(20))
}

#[track_caller]
fn assert_fits(m: &serde_json::Value, what: &str) {
    let width = m["clientWidth"].as_f64().unwrap();
    assert!(
        m["scrollWidth"].as_f64().unwrap() <= width,
        "{what}: the document scrolls sideways ({} > {width})",
        m["scrollWidth"]
    );
    let bars = m["bars"].as_array().unwrap();
    assert_eq!(bars.len(), std::fs::read_dir(repo().join("funds")).unwrap().count(), "{what}: a bar per fund");
    for b in bars {
        for part in ["rect", "value", "label"] {
            let [l, r, _] = [0, 1, 2].map(|i| b[part][i].as_f64().unwrap());
            assert!(l >= 0.0 && r <= width, "{what}: {} {part} at {l}..{r} outside 0..{width}", b["fund"]);
        }
        assert!(b["rect"][2].as_f64().unwrap() > 1.0, "{what}: {} has a visible bar", b["fund"]);
    }
    // Every table fits its box (a table too wide for it is shown as cards), and its box the page.
    for t in m["tables"].as_array().unwrap() {
        let f = |k: &str| t[k].as_f64().unwrap();
        assert!(
            f("scroll") <= f("box") + 1.0 && f("left") >= 0.0 && f("right") <= width + 1.0,
            "{what}: a table is wider than its space: {t}"
        );
    }
    for w in m["scrolls"].as_array().unwrap() {
        assert!(w["scroll"].as_f64() <= w["box"].as_f64().map(|b| b + 1.0), "{what}: a drawing scrolls sideways: {w}");
    }
    // The roadmap's disclosure names and every fund's score are on screen without scrolling.
    let roadmap = m["roadmap"].as_array().unwrap();
    assert!(!roadmap.is_empty(), "{what}: the roadmap names its disclosures");
    let inside = |r: &serde_json::Value| r[0].as_f64().unwrap() >= 0.0 && r[1].as_f64().unwrap() <= width + 1.0;
    for c in roadmap {
        assert!(inside(&c["rect"]) && !c["text"].as_str().unwrap().trim().is_empty(), "{what}: roadmap cell {c}");
    }
    let scores = m["scores"].as_array().unwrap();
    assert_eq!(scores.len(), bars.len(), "{what}: a score per fund in the table");
    for c in scores {
        assert!(inside(&c["rect"]), "{what}: a score off screen: {c}");
    }
    // The rank-interval chart writes out every fund's interval.
    let intervals = m["intervals"].as_array().unwrap();
    assert_eq!(intervals.len(), bars.len(), "{what}: an interval per fund");
    for i in intervals {
        let (lo, hi) = (i["low"].as_u64().unwrap(), i["high"].as_u64().unwrap());
        let want = if lo == hi { lo.to_string() } else { format!("{lo}–{hi}") };
        assert_eq!(i["text"].as_str(), Some(want.as_str()), "{what}: {i}");
    }
    assert!(m["notes"].as_u64().unwrap() > 0, "{what}: the cards carry the assessors' notes");
    let legends = m["legends"].as_array().unwrap();
    assert!(!legends.is_empty(), "{what}: legends measured");
    for g in legends {
        let f = |k: &str| g[k].as_f64().unwrap();
        assert!(
            f("x") >= 0.0 && f("y") >= 0.0 && f("right") <= f("w") && f("bottom") <= f("h"),
            "{what}: a legend of #{} lies outside its drawing: {g}",
            g["svg"]
        );
    }
}

/// Both editions at a phone's and a desktop's width, and the English one at a tablet's: nothing
/// scrolls sideways, every bar, table, drawing and roadmap cell fits; one screenshot shows the
/// four (target/screenshots/editions.png).
#[test]
fn both_editions_fit_a_phone_a_tablet_and_a_desktop() {
    let Some(browser) = chromium_for_test() else { return };
    let t = reports();
    let shots = repo().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let (english, chinese) =
        (probed(&t.path().join("out/transparency.html")), probed(&t.path().join("out/transparency.zh-Hant.html")));
    // A command's own page: funds side by side (two tables), one fund's card.
    let page = |args: &[&str], name: &str| {
        let out = t.path().join("out").join(name);
        let r = swfscore(t.path(), &[args, &["--format", "html", "-o", out.to_str().unwrap()][..]].concat());
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        probed(&out)
    };
    let compare = page(&["compare", "hkic", "temasek", "adia", "--lang", "zh-Hant"], "compare.html");
    let explain = page(&["explain", "hkic"], "explain.html");
    // Every measurement in one Chromium run, which also takes the screenshot: both editions at
    // a phone's and a desktop's width, side by side (target/screenshots/editions.png).
    let shot = shots.join("editions.png");
    let _ = std::fs::remove_file(&shot);
    let m = measure_all(
        browser,
        &[
            (&english, "", 400),
            (&english, "", 1400),
            (&chinese, "", 400),
            (&chinese, "", 1400),
            (&english, "", 768),
            (&compare, "", 400),
            (&explain, "", 400),
        ],
        Some((&shot, 4)),
    );
    for (k, page) in ["transparency.html", "transparency.zh-Hant.html"].into_iter().enumerate() {
        for (j, width) in [400, 1400].into_iter().enumerate() {
            let m = &m[2 * k + j];
            assert_eq!(m["innerWidth"].as_f64(), Some(f64::from(width)), "{page}: the page is {width} px wide");
            assert_fits(m, &format!("{page} at {width} px"));
        }
    }
    let bytes = std::fs::read(&shot).unwrap();
    assert_eq!(png_size(&bytes), (2 * (400 + 1400), 900), "{}", shot.display());
    // Four blank frames compress to a few KB; four pages of text and charts do not.
    assert!(bytes.len() > 80_000, "{} looks blank ({} bytes)", shot.display(), bytes.len());

    // A tablet: tables and the heatmap fit there too.
    assert_fits(&m[4], "transparency.html at 768 px");
    // The commands' pages fit a phone: their tables become a card per row.
    for (m, page) in m[5..].iter().zip(["compare --format html", "explain --format html"]) {
        let width = m["clientWidth"].as_f64().unwrap();
        assert_eq!(m["innerWidth"].as_f64(), Some(400.0), "{page}");
        assert!(m["scrollWidth"].as_f64().unwrap() <= width, "{page}: scrolls sideways at 400 px: {m}");
    }
}

/// The ranking the page shows under weights given in the address, under a profile chosen as
/// a preset and after a slider moves, equals `swfscore score` under those weights; on a phone
/// the weights panel docks below the chart.
#[test]
fn the_weights_in_the_address_rank_as_the_engine_does() {
    let Some(browser) = chromium_for_test() else { return };
    let t = reports();
    let weights =
        [("reporting", 5), ("performance", 40), ("portfolio", 3), ("mandate", 30), ("governance", 1), ("policy", 21)];
    let fragment = format!("#w={}", weights.map(|(c, w)| format!("{c}:{w}")).join(","));
    let english = probed(&t.path().join("out/transparency.html"));
    let m = measure_all(
        browser,
        &[
            (&english, &fragment, 1400),
            (&english, "#p=accountability", 1400),
            (&english, "#slide", 1400),
            (&english, "#slide", 400),
        ],
        None,
    );
    // The ranking the page shows under weights given in the address equals `swfscore score`
    // under a rubric with those weights.
    let shown = &m[0];
    assert_fits(shown, "transparency.html with weights");
    let page = shown_ranking(shown);
    write_weighted_rubric(&t.path().join("rubric.yaml"), &t.path().join("weighted.yaml"), &weights);
    assert_eq!(page, engine(t.path(), &["--rubric", "weighted.yaml"]), "the page's ranking under {fragment}");
    assert_ne!(page, engine(t.path(), &[]), "the weights change the ranking (else this test proves nothing)");

    // A profile chosen as a preset (its category and item weights) ranks as `--profile` does.
    let preset = shown_ranking(&m[1]);
    let profiled = engine(t.path(), &["--profile", "accountability"]);
    assert_eq!(preset, profiled, "the page's ranking under the accountability preset");
    assert_ne!(preset, page);

    // Moving a slider writes the weights into the address, marks how far each fund moved, and
    // names the funds that moved under the sliders.
    let slid = &m[2];
    let after = slid["after"].as_str().unwrap_or_default();
    assert!(after.starts_with("#w=reporting:7,performance:20,"), "the address after moving a slider: {after}");
    let slid_weights: Vec<(String, u32)> = after
        .trim_start_matches("#w=")
        .split(',')
        .map(|p| {
            let (c, w) = p.split_once(':').unwrap();
            (c.to_string(), w.parse().unwrap())
        })
        .collect();
    let slid_weights: Vec<(&str, u32)> = slid_weights.iter().map(|(c, w)| (c.as_str(), *w)).collect();
    write_weighted_rubric(&t.path().join("rubric.yaml"), &t.path().join("slid.yaml"), &slid_weights);
    let (before, now) = (engine(t.path(), &[]), engine(t.path(), &["--rubric", "slid.yaml"]));
    let mut moved = 0;
    for b in slid["bars"].as_array().unwrap() {
        let id = b["fund"].as_str().unwrap();
        let want = before[id].1 as i64 - now[id].1 as i64;
        assert_eq!(b["moved"].as_i64(), Some(want), "{id}: places moved under the slid weights");
        moved += usize::from(want != 0);
    }
    assert!(moved > 0, "the slid weights move some fund (else this proves nothing)");
    let listed = slid["moved"].as_str().unwrap_or_default();
    assert!(listed.starts_with("Ranks that moved: "), "the funds that moved, named: {listed:?}");

    // On a phone, once a weight moves the panel docks at the foot of the screen with the chart
    // in view above it.
    let phone = &m[3];
    let d = &phone["docked"];
    let f = |k: &str| d[k].as_f64().unwrap();
    assert!(
        f("panelBottom") <= f("height") + 1.0 && f("panelTop") < f("height") && f("chartTop") < f("panelTop"),
        "the weights panel docks below the chart on a phone: {d}"
    );
    assert_eq!(phone["moved"], slid["moved"], "the same funds moved on a phone");
}

/// The page's own re-scoring (weights.js) against the engine on generated rubrics: every way
/// an item combines its disclosures (one, `all_of`, `any_of`, `mean_of`), per-item credits,
/// either unknown rule, and funds with every level, each under weights given in the address.
#[test]
fn the_page_re_scores_generated_rubrics_as_the_engine_does() {
    let Some(browser) = chromium_for_test() else { return };
    // Kept after the run (in the build's temporary folder), so that a failure can be looked at.
    let t = Path::new(env!("CARGO_TARGET_TMPDIR")).join("generated-rubrics");
    let _ = std::fs::remove_dir_all(&t);
    let catalogue = std::fs::read_to_string(repo().join("disclosures.yaml")).unwrap();
    let ids: Vec<&str> = catalogue.lines().filter_map(|l| l.strip_prefix("  - id: ")).map(str::trim).collect();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut cases = Vec::new();
    for case in 0..4 {
        let dir = t.join(format!("case{case}"));
        std::fs::create_dir_all(dir.join("funds")).unwrap();
        std::fs::write(dir.join("disclosures.yaml"), &catalogue).unwrap();
        let unknown = if case % 2 == 0 { "none" } else { "exclude" };
        let mut rubric = format!(
            "id: gen{case}\ntitle: Generated rubric {case}\nversion: \"1\"\nscale: 100\nunknown: {unknown}\n\
             levels: {{ full: 1.0, partial: 0.{p}, none: 0.0 }}\ncategories:\n",
            p = 3 + next(5)
        );
        let (mut used, mut weights) = (Vec::new(), Vec::new());
        for c in 0..2 + next(3) {
            rubric += &format!("  - id: c{c}\n    title: Category {c}\n    weight: {}\n    items:\n", 1 + next(9));
            weights.push((format!("c{c}"), 1 + next(20) as u32));
            for i in 0..1 + next(4) {
                let reads: Vec<&str> = (0..1 + next(3)).map(|_| ids[next(ids.len())]).collect();
                let reads: Vec<&str> =
                    reads.iter().enumerate().filter(|(k, d)| !reads[..*k].contains(d)).map(|(_, d)| *d).collect();
                rubric +=
                    &format!("      - id: c{c}i{i}\n        title: Item {c}.{i}\n        weight: {}\n", 1 + next(5));
                rubric += &match (reads.len(), next(3)) {
                    (1, _) => format!("        disclosure: {}\n", reads[0]),
                    (_, k) => format!("        {}: [{}]\n", ["all_of", "any_of", "mean_of"][k], reads.join(", ")),
                };
                if next(3) == 0 {
                    rubric += &format!("        levels: {{ full: 1.0, partial: 0.{}, none: 0.0 }}\n", 1 + next(8));
                }
                used.extend(reads);
            }
        }
        std::fs::write(dir.join("rubric.yaml"), rubric).unwrap();
        used.sort_unstable();
        used.dedup();
        for f in 0..8 {
            let mut fund = format!(
                "id: g{f}\nname: Fund {f}\njurisdiction: Testland\nestablished: 2000\nassessed: 2026-01-15\ndisclosures:\n"
            );
            for d in &used {
                let level = ["full", "partial", "none", "not_applicable", "unknown"][next(5)];
                fund += &format!("  {d}:\n    level: {level}\n");
                if matches!(level, "full" | "partial") {
                    fund += &format!(
                        "    evidence:\n      - {{ source: Report, url: \"https://g{f}.example/r\", date: 2025-06-30 }}\n"
                    );
                }
            }
            std::fs::write(dir.join("funds").join(format!("g{f}.yaml")), fund).unwrap();
        }
        let r = swfscore(&dir, &["report", "--out", "out", "--samples", "50", "--backtest-runs", "1"]);
        assert_eq!(r.code, 0, "case {case}: {}", r.stderr);
        let weights: Vec<(&str, u32)> = weights.iter().map(|(c, w)| (c.as_str(), *w)).collect();
        write_weighted_rubric(&dir.join("rubric.yaml"), &dir.join("weighted.yaml"), &weights);
        let fragment = format!("#w={}", weights.iter().map(|(c, w)| format!("{c}:{w}")).collect::<Vec<_>>().join(","));
        cases.push((probed(&dir.join("out/transparency.html")), fragment, dir));
    }
    let pages: Vec<(&Path, &str, u32)> = cases.iter().map(|(p, f, _)| (p.as_path(), f.as_str(), 1400)).collect();
    let shown = measure_all(browser, &pages, None);
    for ((_, fragment, dir), m) in cases.iter().zip(&shown) {
        let page = shown_ranking(m);
        assert_eq!(page.len(), 8, "{}: every fund on the page: {m}", dir.display());
        assert_eq!(page, engine(dir, &["--rubric", "weighted.yaml"]), "{}: the page under {fragment}", dir.display());
    }
}

/// Fund id to (score, rank), as the page's ranking chart shows them.
fn shown_ranking(m: &serde_json::Value) -> BTreeMap<String, (f64, u64)> {
    let bars = m["bars"].as_array().unwrap().iter();
    bars.map(|b| (b["fund"].as_str().unwrap().to_string(), (b["score"].as_f64().unwrap(), b["rank"].as_u64().unwrap())))
        .collect()
}

/// Fund id to (score, rank) from `swfscore score ARGS`.
fn engine(dir: &Path, args: &[&str]) -> BTreeMap<String, (f64, u64)> {
    let r = swfscore(dir, &[&["score", "--format", "json"], args].concat());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let results = v["results"].as_array().unwrap().iter();
    results
        .map(|f| (f["fund"].as_str().unwrap().to_string(), (f["score"].as_f64().unwrap(), f["rank"].as_u64().unwrap())))
        .collect()
}

/// `rubric` with each category's weight replaced by `weights`, written to `out`.
fn write_weighted_rubric(rubric: &Path, out: &Path, weights: &[(&str, u32)]) {
    let text = std::fs::read_to_string(rubric).unwrap();
    let mut category = None;
    let mut replaced = 0;
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            if let Some(id) = l.strip_prefix("  - id: ") {
                category = weights.iter().find(|(c, _)| *c == id.trim()).map(|(_, w)| *w);
            } else if l.starts_with("    weight: ")
                && let Some(w) = category.take()
            {
                replaced += 1;
                return format!("    weight: {w}");
            }
            l.to_string()
        })
        .collect();
    assert_eq!(replaced, weights.len(), "every category's weight replaced");
    std::fs::write(out, lines.join("\n") + "\n").unwrap();
}

/// Words allowed in the Chinese edition's text: names of people, statistics and frameworks
/// (and `lmti`, a rubric id), the program's name, and the name of the English edition in its link.
const ALLOWED: [&str; 14] = [
    "swfscore", "Kendall", "tau", "Spearman", "rho", "Sobol", "Saltelli", "Jansen", "Linaburg", "Maduell", "Truman",
    "Santiago", "lmti", "English",
];

/// The English words in `text`: runs of two or more Latin letters, leaving out codes (a token
/// with `_`, `:`, `.` inside it, a backtick or a URL; an all-capital abbreviation such as HKIC or USD)
/// and the allowed names.
fn english_words(text: &str) -> Vec<String> {
    // A `code span` (a command, an id) is code, not reader text, as `<code>` in the HTML.
    let text: String =
        text.split('`').enumerate().filter(|(i, _)| i % 2 == 0).map(|(_, s)| s).collect::<Vec<_>>().join(" ");
    text.split(|c: char| c.is_whitespace() || "，。、：；（）()「」*|,;!?“”\"'".contains(c))
        // A colon or full stop that ends a word ("Target:") is punctuation, not part of a code.
        .map(|t| t.trim_end_matches([':', '.']))
        .filter(|t| !["://", "_", "`", ":", "."].iter().any(|code| t.contains(code)))
        .flat_map(|t| t.split(|c: char| !c.is_ascii_alphabetic()).map(str::to_string).collect::<Vec<_>>())
        .filter(|w| w.len() >= 2 && !w.chars().all(|c| c.is_ascii_uppercase()))
        .filter(|w| !ALLOWED.iter().any(|a| w.eq_ignore_ascii_case(a)))
        .collect()
}

/// The text of an HTML document outside `<script>`, `<style>`, `<code>` and elements marked
/// `lang="en"` (quotes and source titles stay in their language).
fn chinese_text(html: &str) -> String {
    const VOID: [&str; 9] = ["br", "meta", "input", "rect", "line", "circle", "polygon", "polyline", "img"];
    let mut out = String::new();
    let mut skipping: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        if skipping.is_empty() {
            out.push_str(&rest[..lt]);
            out.push(' ');
        }
        let gt = lt + rest[lt..].find('>').expect("tags close");
        let tag = &rest[lt + 1..gt];
        let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        let void = VOID.contains(&name.as_str()) || tag.ends_with('/') || tag.starts_with('!');
        if tag.starts_with('/') {
            if skipping.last() == Some(&name) {
                skipping.pop();
            }
        } else if !void
            && (!skipping.is_empty()
                || tag.contains("lang=\"en\"")
                || ["script", "style", "code"].contains(&name.as_str()))
        {
            skipping.push(name);
        }
        rest = &rest[gt + 1..];
    }
    out.push_str(rest);
    out.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
}

#[test]
fn the_chinese_edition_has_no_english_words_outside_names_codes_and_quotes() {
    let t = reports();
    let html = std::fs::read_to_string(t.path().join("out/transparency.zh-Hant.html")).unwrap();
    assert!(html.contains("<html lang=\"zh-Hant\">"));
    assert!(
        html.contains("香港投資管理有限公司") && html.contains("淡馬錫") && html.contains("阿布扎比投資局"),
        "Chinese fund names"
    );
    let words = english_words(&chinese_text(&html));
    assert!(words.is_empty(), "English in transparency.zh-Hant.html: {:?}", dedup(words));
    // The Markdown has no lang marks: evidence is not in it, and fund names are Chinese.
    let md = std::fs::read_to_string(t.path().join("out/transparency.zh-Hant.md")).unwrap();
    // A Mermaid chart's keywords (`xychart-beta`, `line`) are code; its title is checked below.
    let mut fenced = false;
    let md_text: String = md
        .lines()
        .filter(|l| {
            if l.starts_with("```") {
                fenced = !fenced;
                return false;
            }
            !fenced || l.trim_start().starts_with("title ")
        })
        .map(|l| l.trim_start().trim_start_matches("title "))
        .collect::<Vec<_>>()
        .join("\n");
    let words = english_words(&md_text);
    assert!(words.is_empty(), "English in transparency.zh-Hant.md: {:?}", dedup(words));
    // The probe works: the English edition (its whole document marked English) is full of English.
    let en = std::fs::read_to_string(t.path().join("out/transparency.html")).unwrap();
    assert!(english_words(&chinese_text(&en.replacen(" lang=\"en\"", "", 1))).len() > 1000);
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

#[test]
fn the_english_word_probe_skips_codes_names_and_marked_quotes() {
    assert_eq!(
        english_words("港投公司 HKIC 的分數 40.6（swfscore-2026 2026.1）`annual_report` USD"),
        Vec::<String>::new()
    );
    assert_eq!(english_words("排名 ranking"), vec!["ranking"]);
    assert_eq!(english_words("列出 `swfscore score --where type=strategic` 的基金 fund"), vec!["fund"]);
    let text =
        chinese_text("<p>分數 <span lang=\"en\">Annual Report <b>2024</b></span> score</p><script>var x</script>");
    assert_eq!(english_words(&text), vec!["score"]);
}

#[test]
fn gap_match_lists_exactly_the_disclosures_where_the_other_fund_is_above_and_totals_a_whatif() {
    let t = data_copy();
    let g = swfscore(t.path(), &["gap", "hkic", "--match", "temasek", "--format", "json"]);
    assert_eq!(g.code, 0, "{}", g.stderr);
    let g: serde_json::Value = serde_json::from_str(&g.stdout).unwrap();
    let levels = |fund: &str| -> BTreeMap<String, String> {
        let r = swfscore(t.path(), &["explain", fund, "--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let mut out = BTreeMap::new();
        for i in v["results"][0]["items"].as_array().unwrap() {
            for (d, l) in i["levels"].as_object().unwrap() {
                out.insert(d.clone(), l.as_str().unwrap().to_string());
            }
        }
        out
    };
    let (hkic, temasek) = (levels("hkic"), levels("temasek"));
    let credit = |l: &str| match l {
        "full" => Some(1.0),
        "partial" => Some(0.5),
        "none" | "unknown" => Some(0.0),
        _ => None,
    };
    let above: Vec<&String> = temasek
        .iter()
        .filter(|(d, l)| {
            let mine = hkic[*d].as_str();
            mine != "not_applicable" && l.as_str() != "unknown" && credit(l) > credit(mine)
        })
        .map(|(d, _)| d)
        .collect();
    let listed: Vec<&str> =
        g["candidates"].as_array().unwrap().iter().map(|c| c["disclosure"].as_str().unwrap()).collect();
    let mut sorted = listed.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, above, "exactly the disclosures where Temasek is above HKIC");
    assert!(listed.len() >= 20, "{listed:?}");
    for c in g["candidates"].as_array().unwrap() {
        let d = c["disclosure"].as_str().unwrap();
        assert_eq!(c["to"].as_str(), Some(temasek[d].as_str()), "{d}: adopts Temasek's level");
        assert_eq!(c["other_level"].as_str(), Some(temasek[d].as_str()));
        assert!(c["gain"].as_f64().unwrap() > 0.0, "{d}: a higher level gains");
    }
    // All at once equals a what-if re-score with Temasek's levels on every listed disclosure.
    let sets: Vec<String> = listed.iter().map(|d| format!("      {d}: {}", temasek[*d])).collect();
    let scenario =
        format!("title: HKIC at Temasek's levels\nchanges:\n  - fund: hkic\n    set:\n{}\n", sets.join("\n"));
    std::fs::write(t.path().join("match.yaml"), scenario).unwrap();
    let w = swfscore(t.path(), &["whatif", "--scenario", "match.yaml", "--format", "json"]);
    assert_eq!(w.code, 0, "{}", w.stderr);
    let w: serde_json::Value = serde_json::from_str(&w.stdout).unwrap();
    let moved = w["funds"].as_array().unwrap().iter().find(|f| f["fund"] == "hkic").unwrap();
    assert_eq!(moved["new_score"].as_f64(), g["all_matched"]["score"].as_f64());
    assert_eq!(moved["new_rank"].as_u64(), g["all_matched"]["rank"].as_u64());
}

#[test]
fn gap_target_fund_shows_the_target_s_level_and_match_refuses_itself() {
    let (r, _) = Test::data().args(&["gap", "hkic", "--target-fund", "temasek"]).status(0).stdout_has("Temasek").run();
    let header = r.stdout.lines().find(|l| l.contains("Gain")).unwrap();
    assert!(header.contains("Now") && header.contains("Temasek"), "{header}");
    Test::data().args(&["gap", "hkic", "--match", "hkic"]).status(2).stderr_has("cannot be compared with itself").run();
    Test::data().args(&["gap", "hkic", "--match", "temasec"]).status(2).stderr_has("did you mean `temasek`").run();
    Test::data()
        .args(&["gap", "hkic", "--match", "temasek", "--target-score", "50"])
        .status(2)
        .stderr_has("cannot be used with")
        .run();
    for f in ["markdown", "html"] {
        Test::data().args(&["gap", "hkic", "--match", "temasek", "--format", f]).status(0).stdout_has("Temasek").run();
    }
    let (r, _) = Test::data().args(&["gap", "hkic", "--match", "temasek", "--format", "csv"]).status(0).run();
    let header = r.stdout.lines().next().unwrap();
    assert!(header.starts_with("disclosure,title,level,to,other_level,"), "{header}");
}

#[test]
fn report_lang_picks_one_edition_and_validate_lang_lists_missing_translations() {
    let (_, dir) = Test::data()
        .args(&["report", "--out", "out", "--lang", "zh-Hant", "--samples", "2000", "--backtest-runs", "1"])
        .status(0)
        .run();
    let out = dir.path().join("out");
    assert!(out.join("transparency.zh-Hant.html").is_file() && out.join("transparency.zh-Hant.md").is_file());
    assert!(!out.join("transparency.html").exists(), "--lang zh-Hant writes only that edition (and the data)");
    assert!(out.join("scores.json").is_file());
    Test::data().args(&["report", "--lang", "fr"]).status(2).stderr_has("invalid value 'fr'").run();
    // A disclosure without a Chinese title is listed by validate and by report.
    let t = Test::data();
    let text = std::fs::read_to_string(t.path().join("disclosures.yaml")).unwrap();
    let title = text.lines().find(|l| l.trim_start().starts_with("title_zh:"));
    let t = match title {
        Some(line) => t.edit("disclosures.yaml", &format!("{line}\n"), ""),
        None => t,
    };
    let (r, dir) = t.args(&["validate", "--lang", "zh-Hant"]).status(0).stderr_has("has no `title_zh`").run();
    assert!(r.stderr.contains("untranslated for the zh-Hant report"), "{}", r.stderr);
    let r = swfscore(
        dir.path(),
        &["report", "--out", "out", "--lang", "zh-Hant", "--samples", "2000", "--backtest-runs", "1"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("in English for want of a translation") && r.stderr.contains("has no `title_zh`"),
        "{}",
        r.stderr
    );
    let r =
        swfscore(dir.path(), &["report", "--out", "en", "--lang", "en", "--samples", "2000", "--backtest-runs", "1"]);
    assert!(!r.stderr.contains("translation"), "the English edition alone needs none: {}", r.stderr);
}

#[test]
fn the_markdown_report_has_the_method_and_limits_and_its_lines_are_paragraphs() {
    let t = reports();
    for (file, method, limits, secondary) in [
        ("transparency.md", "## Method and limits", "### Limits", "secondary"),
        ("transparency.zh-Hant.md", "## 方法與局限", "### 局限", "二手來源"),
    ] {
        let md = std::fs::read_to_string(t.path().join("out").join(file)).unwrap();
        assert!(md.contains(method) && md.contains(limits), "{file}: method and limits");
        assert!(md.contains(secondary), "{file}: secondary sources counted");
        // Every line of a paragraph block stands alone: a line that is not a table row, list
        // item or heading has a blank line (or a heading) before it.
        let lines: Vec<&str> = md.lines().collect();
        for (i, l) in lines.iter().enumerate().skip(1) {
            let prose = |s: &str| !s.is_empty() && !s.starts_with(['|', '#', '-', '`', ' ']);
            assert!(!(prose(l) && prose(lines[i - 1])), "{file}:{}: {l:?} runs into the line before", i + 1);
        }
        let colon = if file.contains("zh-Hant") { "：" } else { ":" };
        for rubric in ["lmti", "truman", "santiago"] {
            assert!(md.contains(&format!("{rubric}{colon}")), "{file}: the caveat of {rubric}");
        }
    }
}

#[test]
fn every_message_the_report_asks_for_is_in_the_message_files() {
    // A missing message shows its key (`gap.legend`): none may appear in any edition.
    let en = std::fs::read_to_string(repo().join("locales/en.yaml")).unwrap();
    let prefixes: std::collections::BTreeSet<&str> =
        en.lines().filter_map(|l| l.strip_prefix("  ")?.split_once(':')?.0.split_once('.').map(|(p, _)| p)).collect();
    assert!(prefixes.len() > 20, "{prefixes:?}");
    let t = reports();
    for file in ["transparency.md", "transparency.html", "transparency.zh-Hant.md", "transparency.zh-Hant.html"] {
        let mut text = std::fs::read_to_string(t.path().join("out").join(file)).unwrap();
        // CSS selectors (`.card.focus`), the script and English from the data (notes, source
        // titles, marked `lang="en"`) are not messages.
        for (open, close) in
            [("<style>", "</style>"), ("<script", "</script>"), ("<span class=\"note\" lang=\"en\">", "</span>")]
        {
            while let Some(a) = text.find(open) {
                let b = a + text[a..].find(close).expect("closed") + close.len();
                text.replace_range(a..b, "");
            }
        }
        for p in &prefixes {
            for (at, _) in text.match_indices(&format!("{p}.")) {
                let before = text[..at].chars().next_back().unwrap_or(' ');
                let after = text[at + p.len() + 1..].chars().next().unwrap_or(' ');
                let key = !before.is_alphanumeric() && !['/', '-', '.'].contains(&before) && after.is_ascii_lowercase();
                let context = &text[at..(at + 40).min(text.len())];
                assert!(
                    !key || context.starts_with("scores.csv") || context.starts_with("scores.json"),
                    "{file}: a message key shows: {context:?}"
                );
            }
        }
    }
}

/// Every form `locales/glossary.yaml` says to avoid in the Chinese edition, each with the
/// longer words that may contain it.
fn avoided_forms() -> Vec<(String, Vec<String>)> {
    #[derive(serde::Deserialize)]
    struct Glossary {
        terms: Vec<Term>,
    }
    #[derive(serde::Deserialize)]
    struct Term {
        hk: String,
        avoid: Vec<String>,
        #[serde(default)]
        except: Vec<String>,
        why: String,
    }
    let text = std::fs::read_to_string(repo().join("locales/glossary.yaml")).unwrap();
    let g: Glossary = swfscore::yaml::parse(&text, "locales/glossary.yaml").unwrap_or_else(|e| panic!("{e}"));
    assert!(g.terms.len() >= 7, "the glossary lists the terms the issue named");
    g.terms
        .into_iter()
        .flat_map(|t| {
            assert!(!t.hk.is_empty() && !t.why.is_empty(), "each term has its Hong Kong form and a reason");
            let except = t.except.clone();
            t.avoid.into_iter().map(move |a| (a, except.clone()))
        })
        .collect()
}

/// The avoided forms in `text`, outside the allowed longer words.
fn avoided_in(text: &str, forms: &[(String, Vec<String>)]) -> Vec<String> {
    let mut found = Vec::new();
    for (form, except) in forms {
        let mut rest = text.to_string();
        for e in except {
            rest = rest.replace(e.as_str(), "");
        }
        if rest.contains(form.as_str()) {
            found.push(form.clone());
        }
    }
    found
}

#[test]
fn the_chinese_edition_follows_the_hong_kong_glossary() {
    let forms = avoided_forms();
    let t = reports();
    for page in ["transparency.zh-Hant.md", "transparency.zh-Hant.html"] {
        let text = std::fs::read_to_string(t.path().join("out").join(page)).unwrap();
        // In the page, the reader text: English notes and quoted source titles (marked
        // `lang="en"`) keep their own words, as a search note's 「核數師/審計」.
        let text = if page.ends_with(".html") { chinese_text(&text) } else { text };
        assert_eq!(avoided_in(&text, &forms), Vec::<String>::new(), "non-Hong Kong forms in {page}");
    }
    // The sources of that text: the messages, the catalogue, the rubrics and the descriptors'
    // Chinese names.
    let mut sources =
        vec![repo().join("locales/zh-Hant.yaml"), repo().join("disclosures.yaml"), repo().join("rubric.yaml")];
    for dir in ["rubrics", "funds"] {
        for e in std::fs::read_dir(repo().join(dir)).unwrap() {
            sources.push(e.unwrap().path());
        }
    }
    for path in sources {
        let text = std::fs::read_to_string(&path).unwrap();
        let zh: String = text
            .lines()
            .filter(|l| l.contains("_zh:") || path.ends_with("zh-Hant.yaml"))
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(avoided_in(&zh, &forms), Vec::<String>::new(), "non-Hong Kong forms in {}", path.display());
    }
    // The probe works: each avoided form is found, and an allowed longer word is not.
    assert_eq!(avoided_in("新西蘭退休基金", &forms), vec!["新西蘭".to_string()]);
    assert_eq!(avoided_in("審計署的報告", &forms), Vec::<String>::new());
}

/// `--lang zh-Hant` works on every command that shows a result, and leaves no English words
/// in its reader text (codes, ids and names excepted, as in the report). `explain`'s evidence
/// notes and source titles are English data: its lines are read up to their "備註：" (note) or
/// "來源：" (source), and its own words must be Chinese.
#[test]
fn every_command_speaks_hong_kong_chinese_with_lang() {
    let views: &[&[&str]] = &[
        &["score", "--fund", "hkic", "--fund", "temasek"],
        &["compare", "hkic", "temasek"],
        &["history", "hkic"],
        &["gap", "hkic", "--match", "temasek"],
        &["gap", "hkic", "--target-fund", "temasek"],
        &["gap", "hkic", "--target-rank", "20", "--unknown", "exclude"],
        &["gap", "temasek", "--target-score", "50"],
        &["whatif", "hkic", "--set", "holdings_list=full"],
        &["diff", "--base", "swfscore-2026"],
        &["trend", "--from", "2020", "--fund", "hkic", "--fund", "temasek"],
        &["compare-rubrics", "--profile", "accountability"],
        &["rubrics"],
        &["funds", "--where", "region=east_asia"],
        &["validate", "--coverage"],
        &["backtest", "--runs", "1"],
        &["batch", "--rubric", "lmti"],
        &["audit", "--bootstrap", "20"],
        &["robustness", "--samples", "500", "--fund", "hkic"],
        &["robustness", "--sobol", "--samples", "100", "--fund", "hkic"],
        &["explain", "hkic"],
        &["explain", "temasek", "--at-age", "3"],
    ];
    let mut codes = std::collections::BTreeSet::new();
    for file in ["disclosures.yaml", "rubric.yaml", "rubrics/swfscore-2026.yaml"] {
        let text = std::fs::read_to_string(repo().join(file)).unwrap();
        codes.extend(
            text.lines()
                .filter_map(|l| l.trim_start().trim_start_matches("- ").strip_prefix("id: "))
                .map(str::to_string),
        );
    }
    for e in std::fs::read_dir(repo().join("funds")).unwrap() {
        let p = e.unwrap().path();
        codes.insert(p.file_stem().unwrap().to_string_lossy().into_owned());
        let text = std::fs::read_to_string(&p).unwrap();
        for key in ["type: ", "funding: ", "size_band: "] {
            codes.extend(text.lines().filter_map(|l| l.trim_start().strip_prefix(key)).map(str::to_string));
        }
    }
    let mut found = Vec::new();
    for v in views {
        for format in ["table", "markdown"] {
            let mut args = v.to_vec();
            args.extend(["--lang", "zh-Hant", "--format", format]);
            let r = swfscore(&repo(), &args);
            assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
            // The data's own words (notes, source titles) end each line that shows them.
            let reader: String = r
                .stdout
                .lines()
                .map(|l| ["備註：", "來源："].iter().filter_map(|m| l.find(m)).min().map_or(l, |i| &l[..i]))
                .collect::<Vec<_>>()
                .join("\n");
            // Ids (funds, disclosures, categories, items, profiles, metadata values) and options
            // are codes a reader types, as in the report's `code` spans.
            let words: Vec<String> = english_words(&reader)
                .into_iter()
                .filter(|w| !codes.contains(w.as_str()) && !r.stdout.contains(&format!("--{w}")))
                .collect();
            if !words.is_empty() {
                found.push(format!("{v:?} {format}: {:?}", dedup(words)));
            }
        }
    }
    assert!(found.is_empty(), "English in the Chinese output:\n{}", found.join("\n"));
    // `validate --review` lists the assessors' English notes: its own words are checked one by one.
    let r = swfscore(&repo(), &["validate", "--review", "--lang", "zh-Hant"]);
    assert!(r.stdout.contains("待查清單") && r.stdout.contains("首次紀錄"), "{}", r.stdout);
    for english in ["Research queue", "Early record", "Newest evidence", "First recorded", "known since"] {
        assert!(!r.stdout.contains(english), "validate --review in zh-Hant shows {english:?}");
    }
    // `explain` carries the assessors' English notes and source titles, so its own words are
    // checked one by one.
    for format in ["table", "markdown"] {
        let r = swfscore(&repo(), &["explain", "hkic", "--lang", "zh-Hant", "--format", format]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains("香港投資管理有限公司") && r.stdout.contains("失分"), "{format}");
        for english in [
            "Score ",
            "Items sorted",
            "unknown disclosure",
            "est. ",
            "Lost",
            "Range ",
            " source: ",
            "- Source: ",
            "[reporting]",
            ": partial",
            "Evidence",
            "If none",
            "note: ",
        ] {
            assert!(!r.stdout.contains(english), "explain {format} in zh-Hant shows {english:?}");
        }
    }
}
