//! The readable body of a message: text/plain preferred, HTML rendered to
//! text with numbered links when there is no plain part.

use mail_parser::{Message, PartType};

pub struct Rendered {
    pub text: String,
    pub from_html: bool,
    pub html: Option<String>,
    pub links: Vec<String>,
}

/// HTML bodies larger than this are shown as their text content only
/// (tags stripped by the renderer's cheap path would still take seconds on
/// pathological input); the source view still has all of it.
const HTML_RENDER_CAP_BYTES: usize = 4 * 1024 * 1024;

pub fn render(message: &Message<'_>, width: usize) -> Rendered {
    let mut text = String::new();
    let mut links = Vec::new();
    let mut from_html = false;
    for part in message.text_bodies() {
        let chunk = match &part.body {
            PartType::Text(t) => t.to_string(),
            PartType::Html(h) => {
                from_html = true;
                let (rendered, found) = html_to_text(h, width);
                links.extend(found);
                rendered
            }
            _ => continue,
        };
        if !text.is_empty() && !chunk.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(chunk.trim_end_matches(['\r', '\n']));
    }
    let html: Vec<&str> = message
        .html_bodies()
        .filter_map(|p| match &p.body {
            PartType::Html(h) => Some(h.as_ref()),
            _ => None,
        })
        .collect();
    if text.is_empty() && !html.is_empty() {
        from_html = true;
        let (rendered, found) = html_to_text(&html.join("\n"), width);
        text = rendered;
        links = found;
    }
    Rendered {
        text: text.replace("\r\n", "\n"),
        from_html,
        html: (!html.is_empty()).then(|| html.join("\n")),
        links,
    }
}

/// Renders HTML to text and pulls out the numbered link list html2text
/// appends (`[1]: https://…`), so the viewer can show it separately.
pub fn html_to_text(html: &str, width: usize) -> (String, Vec<String>) {
    if html.len() > HTML_RENDER_CAP_BYTES {
        return (strip_tags(html), Vec::new());
    }
    let rendered = html2text::config::plain_no_decorate()
        .link_footnotes(true)
        .string_from_read(html.as_bytes(), width)
        .unwrap_or_else(|_| strip_tags(html));
    let mut body: Vec<&str> = rendered.lines().collect();
    let mut links = Vec::new();
    // Footnotes sit at the end, after a blank line: "[n]: url".
    while let Some(last) = body.last() {
        if let Some(url) = footnote_url(last) {
            links.push(url.to_string());
            body.pop();
        } else if last.trim().is_empty() && !links.is_empty() {
            body.pop();
            break;
        } else {
            break;
        }
    }
    links.reverse();
    (body.join("\n").trim_end().to_string(), links)
}

fn footnote_url(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('[')?;
    let (number, url) = rest.split_once("]: ")?;
    number.parse::<u32>().ok()?;
    Some(url.trim())
}

/// A last resort for HTML the renderer refuses: tags dropped, text kept.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}
