//! Small geometry helpers shared by the overlays.

use ratatui::layout::Rect;

/// A rectangle of at most `width` x `height` centred in `area`, never larger
/// than `area` itself (so tiny terminals clip instead of panicking).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}
