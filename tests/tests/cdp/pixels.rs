//! Comparing a screenshot with its reviewed reference, within a tolerance that lets font
//! antialiasing noise pass and catches a change of layout.
//!
//! Two screenshots of the same page in the same browser with the same fonts are normally equal
//! to the pixel; what may still differ is scattered: a glyph edge drawn a shade lighter, a
//! pixel here and there. A change of layout (a label moved by two pixels, a box grown, a line
//! wrapped differently) is dense: in the place it happened, many neighbouring pixels change
//! strongly. So the comparison counts, in each 16 × 16 tile, the pixels whose colour differs by
//! more than [`CHANNEL`] in some channel, and the screenshots differ when any tile holds more
//! than [`TILE_LIMIT`] of them. A change of colour or a shift of the whole page changes every
//! tile, so it fails too.

use std::io::Cursor;

/// How much (of 255) a colour channel may differ before the pixel counts as changed:
/// antialiasing shades an edge pixel a little lighter or darker; ink that is there in one image
/// and not in the other differs by far more.
pub const CHANNEL: u8 = 64;
/// The side of the square tiles, in pixels.
pub const TILE: u32 = 16;
/// How many changed pixels one tile may hold (of 256): a few scattered edge pixels pass; a
/// label moved by a pixel or two changes more than this where it stands.
pub const TILE_LIMIT: usize = 12;

/// An image as 8-bit RGB pixels, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<[u8; 3]>,
}

impl Image {
    /// An image of one colour.
    pub fn filled(width: u32, height: u32, colour: [u8; 3]) -> Image {
        Image {
            width,
            height,
            rgb: vec![colour; (width * height) as usize],
        }
    }

    fn at(&self, x: u32, y: u32) -> [u8; 3] {
        self.rgb[(y * self.width + x) as usize]
    }

    fn set(&mut self, x: u32, y: u32, colour: [u8; 3]) {
        if x < self.width && y < self.height {
            self.rgb[(y * self.width + x) as usize] = colour;
        }
    }
}

/// Decodes a PNG file's bytes (any colour type and bit depth; alpha is dropped: Chromium's
/// screenshots are opaque).
pub fn decode(bytes: &[u8]) -> Result<Image, String> {
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let size = reader
        .output_buffer_size()
        .ok_or("the PNG is too large to decode")?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
    let channels = match info.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => return Err("an indexed PNG was not expanded".into()),
    };
    let mut rgb = Vec::with_capacity((info.width * info.height) as usize);
    for row in buf[..info.buffer_size()].chunks(info.line_size) {
        for px in row[..info.width as usize * channels].chunks(channels) {
            rgb.push(if channels < 3 {
                [px[0]; 3]
            } else {
                [px[0], px[1], px[2]]
            });
        }
    }
    Ok(Image {
        width: info.width,
        height: info.height,
        rgb,
    })
}

/// How two images of the same size differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// Pixels whose colour differs by more than [`CHANNEL`] in some channel.
    pub changed: usize,
    /// The most changed pixels in one tile, and that tile's top-left corner.
    pub worst_tile: usize,
    pub worst_at: (u32, u32),
}

impl Difference {
    /// Whether the images are the same within the tolerance.
    pub fn within_tolerance(&self) -> bool {
        self.worst_tile <= TILE_LIMIT
    }
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} pixels differ by more than {CHANNEL}/255; the worst {TILE}×{TILE} tile, at \
             x={} y={}, has {} of them (at most {TILE_LIMIT} pass)",
            self.changed, self.worst_at.0, self.worst_at.1, self.worst_tile
        )
    }
}

/// Compares `actual` with `reference`; an error when their sizes differ.
pub fn compare(actual: &Image, reference: &Image) -> Result<Difference, String> {
    if (actual.width, actual.height) != (reference.width, reference.height) {
        return Err(format!(
            "the screenshot is {}×{}, the reference {}×{}",
            actual.width, actual.height, reference.width, reference.height
        ));
    }
    let tiles_across = actual.width.div_ceil(TILE);
    let mut tiles = vec![0usize; (tiles_across * actual.height.div_ceil(TILE)) as usize];
    let mut changed = 0;
    for y in 0..actual.height {
        for x in 0..actual.width {
            let (a, b) = (actual.at(x, y), reference.at(x, y));
            if (0..3).any(|c| a[c].abs_diff(b[c]) > CHANNEL) {
                changed += 1;
                tiles[((y / TILE) * tiles_across + x / TILE) as usize] += 1;
            }
        }
    }
    let (k, worst_tile) = tiles
        .iter()
        .copied()
        .enumerate()
        .max_by_key(|&(k, n)| (n, std::cmp::Reverse(k)))
        .unwrap_or((0, 0));
    let k = k as u32;
    Ok(Difference {
        changed,
        worst_tile,
        worst_at: ((k % tiles_across) * TILE, (k / tiles_across) * TILE),
    })
}

#[cfg(test)]
mod tests {
    use super::{Image, compare};

    const PAPER: [u8; 3] = [250, 250, 247];
    const INK: [u8; 3] = [27, 27, 27];

    /// A page with a "label": glyph-like strokes (1–2 px wide, of varied heights) 14 px tall,
    /// drawn from (`x`, `y`), as text is on the report.
    fn page_with_label(x: u32, y: u32) -> Image {
        let mut img = Image::filled(320, 160, PAPER);
        for i in 0..60u32 {
            let stroke_x = x + i * 2 + i / 3;
            let (top, width) = (if i % 4 == 0 { 0 } else { 4 }, 1 + i % 2);
            for dy in top..14 {
                for dx in 0..width {
                    img.set(stroke_x + dx, y + dy, INK);
                }
            }
            // A crossbar every few glyphs.
            if i % 5 == 2 {
                for dx in 0..3 {
                    img.set(stroke_x + dx, y + 8, INK);
                }
            }
        }
        img
    }

    #[test]
    fn the_same_page_matches() {
        let a = page_with_label(40, 60);
        let d = compare(&a, &a.clone()).unwrap();
        assert_eq!(d.changed, 0);
        assert!(d.within_tolerance(), "{d}");
    }

    #[test]
    fn antialiasing_noise_passes() {
        let reference = page_with_label(40, 60);
        let mut noisy = reference.clone();
        // Every pixel a few shades off (a different antialiasing or gamma), and one pixel in 41
        // far off, scattered (an edge pixel drawn on the other side of the threshold).
        for (i, px) in noisy.rgb.iter_mut().enumerate() {
            let shade: i16 = if i % 2 == 0 { 30 } else { -30 };
            for c in px.iter_mut() {
                *c = (i16::from(*c) + shade).clamp(0, 255) as u8;
            }
            if i % 41 == 0 {
                *px = if *px == INK { PAPER } else { INK };
            }
        }
        let d = compare(&noisy, &reference).unwrap();
        assert!(d.changed > 0, "the noise should change some pixels: {d}");
        assert!(d.within_tolerance(), "{d}");
    }

    #[test]
    fn a_label_moved_by_two_pixels_fails_where_it_moved() {
        let reference = page_with_label(40, 60);
        for (dx, dy) in [(2, 0), (0, 2), (1, 1)] {
            let moved = page_with_label(40 + dx, 60 + dy);
            let d = compare(&moved, &reference).unwrap();
            assert!(!d.within_tolerance(), "moved by ({dx}, {dy}) passed: {d}");
            let (x, y) = d.worst_at;
            assert!(
                (32..200).contains(&x) && (48..80).contains(&y),
                "the worst tile is not where the label is: {d}"
            );
        }
    }

    #[test]
    fn a_different_size_is_an_error() {
        let a = Image::filled(10, 10, PAPER);
        let b = Image::filled(10, 11, PAPER);
        assert_eq!(
            compare(&a, &b).unwrap_err(),
            "the screenshot is 10×10, the reference 10×11"
        );
    }
}
