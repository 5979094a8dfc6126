//! Placement: each fit mode, crop, layer rotation and source rotation, checked by where the
//! coded frame's corners and centre land in output pixels.

use super::*;
use frameloom::plan::{LayerBox, Placement, Point, Rect, Rotation, placement};
use frameloom::project::{Crop, Fit};

fn full(width: f64, height: f64) -> LayerBox {
    LayerBox { x: 0.0, y: 0.0, width, height, rotation: 0.0 }
}

/// Where the coded frame's corners (top-left, top-right, bottom-right, bottom-left) and centre land.
fn landing(p: &Placement, coded_w: f64, coded_h: f64) -> [(f64, f64); 5] {
    let points = [(0.0, 0.0), (coded_w, 0.0), (coded_w, coded_h), (0.0, coded_h), (coded_w / 2.0, coded_h / 2.0)];
    points.map(|(x, y)| {
        let q = p.transform.apply(Point::new(x, y));
        ((q.x * 1e6).round() / 1e6, (q.y * 1e6).round() / 1e6)
    })
}

fn place(frame: LayerBox, fit: Fit, crop: Option<Crop>, w: u32, h: u32, rotation: Rotation) -> Placement {
    placement(&frame, fit, crop, w, h, rotation).expect("placement")
}

#[test]
fn contain_turns_a_rotated_landscape_frame_into_a_centred_portrait() {
    // A phone video: coded 1920×1080, shown turned 90° clockwise, contained in 1280×720.
    let p = place(full(1280.0, 720.0), Fit::Contain, None, 1920, 1080, Rotation::R90);
    // Upright 1080×1920 scaled by 0.375 → 405×720, pillarboxed from x = 437.5.
    assert_eq!(p.fitted, Rect::new(437.5, 0.0, 405.0, 720.0));
    assert_eq!(
        landing(&p, 1920.0, 1080.0),
        [(842.5, 0.0), (842.5, 720.0), (437.5, 720.0), (437.5, 0.0), (640.0, 360.0)],
        "the coded top edge becomes the picture's right edge"
    );
    assert_eq!((p.src_rect, p.clip, p.source_rotation), (Rect::new(0.0, 0.0, 1920.0, 1080.0), None, Rotation::R90));
}

#[test]
fn source_rotations_180_and_270() {
    let p = place(full(1920.0, 1080.0), Fit::Contain, None, 1920, 1080, Rotation::R180);
    assert_eq!(
        landing(&p, 1920.0, 1080.0),
        [(1920.0, 1080.0), (0.0, 1080.0), (0.0, 0.0), (1920.0, 0.0), (960.0, 540.0)]
    );
    let p = place(full(1280.0, 720.0), Fit::Contain, None, 1920, 1080, Rotation::R270);
    assert_eq!(
        landing(&p, 1920.0, 1080.0),
        [(437.5, 720.0), (437.5, 0.0), (842.5, 0.0), (842.5, 720.0), (640.0, 360.0)],
        "the coded top edge becomes the picture's left edge"
    );
    assert_eq!(Rotation::from_degrees(450), Some(Rotation::R90));
    assert_eq!(Rotation::from_degrees(45), None);
}

#[test]
fn contain_letterboxes_a_wide_picture() {
    let p = place(
        LayerBox { x: 100.0, y: 50.0, width: 400.0, height: 400.0, rotation: 0.0 },
        Fit::Contain,
        None,
        1600,
        900,
        Rotation::R0,
    );
    assert_eq!(p.fitted, Rect::new(0.0, 87.5, 400.0, 225.0));
    assert_eq!(
        landing(&p, 1600.0, 900.0),
        [(100.0, 137.5), (500.0, 137.5), (500.0, 362.5), (100.0, 362.5), (300.0, 250.0)]
    );
    assert_eq!(p.clip, None);
}

#[test]
fn cover_fills_the_box_and_clips_to_it() {
    let frame = LayerBox { x: 100.0, y: 50.0, width: 1000.0, height: 1000.0, rotation: 0.0 };
    let p = place(frame, Fit::Cover, None, 1920, 1080, Rotation::R0);
    // Scale 1000/1080: 1777.78 wide, centred, so the sides are cut.
    let s = 1000.0 / 1080.0;
    close(p.fitted.width, 1920.0 * s);
    close(p.fitted.x, (1000.0 - 1920.0 * s) / 2.0);
    let [tl, _, br, _, centre] = landing(&p, 1920.0, 1080.0);
    close(tl.1, 50.0);
    close(br.1, 1050.0);
    assert!(tl.0 < 100.0 && br.0 > 1100.0);
    assert_eq!(centre, (600.0, 550.0));
    let clip = p.clip.expect("cover overflows its box");
    assert_eq!(
        clip,
        [Point::new(100.0, 50.0), Point::new(1100.0, 50.0), Point::new(1100.0, 1050.0), Point::new(100.0, 1050.0)]
    );
}

#[test]
fn fill_stretches_and_none_keeps_the_pixel_size() {
    let p = place(
        LayerBox { x: 10.0, y: 20.0, width: 100.0, height: 50.0, rotation: 0.0 },
        Fit::Fill,
        None,
        1920,
        1080,
        Rotation::R0,
    );
    assert_eq!(landing(&p, 1920.0, 1080.0), [(10.0, 20.0), (110.0, 20.0), (110.0, 70.0), (10.0, 70.0), (60.0, 45.0)]);
    assert_eq!(p.clip, None);
    let p = place(full(1280.0, 720.0), Fit::None, None, 320, 240, Rotation::R0);
    assert_eq!(
        landing(&p, 320.0, 240.0),
        [(480.0, 240.0), (800.0, 240.0), (800.0, 480.0), (480.0, 480.0), (640.0, 360.0)]
    );
    assert_eq!(p.clip, None);
    let big = place(full(1280.0, 720.0), Fit::None, None, 1920, 1080, Rotation::R0);
    assert_eq!(landing(&big, 1920.0, 1080.0)[0], (-320.0, -180.0));
    assert!(big.clip.is_some(), "a picture larger than its box is cut to it");
}

#[test]
fn crop_is_in_upright_source_pixels() {
    // The middle square of a portrait (rotated) 1920×1080 coded frame, into a 720×720 box.
    let crop = Crop { x: 0, y: 420, width: 1080, height: 1080 };
    let p = place(full(720.0, 720.0), Fit::Contain, Some(crop), 1920, 1080, Rotation::R90);
    // Upright rows 420–1500 are coded columns 420–1500.
    assert_eq!(p.src_rect, Rect::new(420.0, 0.0, 1080.0, 1080.0));
    let land = |x: f64, y: f64| {
        let q = p.transform.apply(Point::new(x, y));
        ((q.x * 1e6).round() / 1e6, (q.y * 1e6).round() / 1e6)
    };
    assert_eq!(land(420.0, 0.0), (720.0, 0.0), "coded top-left of the crop: the box's top-right");
    assert_eq!(land(1500.0, 1080.0), (0.0, 720.0));
    assert_eq!(land(960.0, 540.0), (360.0, 360.0));
    // Unrotated crop with cover: the crop is what is covered.
    let crop = Crop { x: 100, y: 50, width: 200, height: 100 };
    let p = place(full(400.0, 400.0), Fit::Cover, Some(crop), 640, 480, Rotation::R0);
    assert_eq!(p.src_rect, Rect::new(100.0, 50.0, 200.0, 100.0));
    assert_eq!(p.fitted, Rect::new(-200.0, 0.0, 800.0, 400.0));
    assert_eq!(p.transform.apply(Point::new(100.0, 50.0)), Point::new(-200.0, 0.0));
}

#[test]
fn layer_rotation_turns_the_box_around_its_centre() {
    let frame = LayerBox { x: 0.0, y: 0.0, width: 1280.0, height: 720.0, rotation: 90.0 };
    let p = place(frame, Fit::Fill, None, 1280, 720, Rotation::R0);
    // Clockwise around (640, 360): the box's top-left goes to the top-right of the turned box.
    assert_eq!(
        landing(&p, 1280.0, 720.0),
        [(1000.0, -280.0), (1000.0, 1000.0), (280.0, 1000.0), (280.0, -280.0), (640.0, 360.0)]
    );
    // Layer and source rotation add up: a 90° source in a −90° box shows the frame as coded.
    let frame = LayerBox { x: 0.0, y: 0.0, width: 1080.0, height: 1920.0, rotation: -90.0 };
    let p = place(frame, Fit::Fill, None, 1920, 1080, Rotation::R90);
    assert_eq!(
        landing(&p, 1920.0, 1080.0),
        [(-420.0, 420.0), (1500.0, 420.0), (1500.0, 1500.0), (-420.0, 1500.0), (540.0, 960.0)]
    );
    // Cover with a turned box clips to the turned box.
    let frame = LayerBox { x: 100.0, y: 100.0, width: 200.0, height: 100.0, rotation: 45.0 };
    let p = place(frame, Fit::Cover, None, 100, 100, Rotation::R0);
    let clip = p.clip.expect("clip");
    let quad = frame.quad();
    assert_eq!(clip, quad);
    let h = 50.0 * 2f64.sqrt() / 2.0;
    close(quad[0].x, 200.0 - (100.0 * 2f64.sqrt() / 2.0 - h));
    close(quad[0].y, 150.0 - (100.0 * 2f64.sqrt() / 2.0 + h));
}

#[test]
fn the_transform_is_a_canvas_set_transform() {
    let frame = LayerBox { x: 50.0, y: 60.0, width: 300.0, height: 200.0, rotation: 30.0 };
    let p = place(frame, Fit::Contain, None, 640, 360, Rotation::R0);
    let [a, b, c, d, e, f] = p.transform.to_array();
    let q = Point::new(123.0, 45.0);
    let by_hand = Point::new(a * q.x + c * q.y + e, b * q.x + d * q.y + f);
    assert_eq!(p.transform.apply(q), by_hand);
    // The picture's centre sits at the box centre whatever the rotation.
    let centre = p.transform.apply(Point::new(320.0, 180.0));
    close(centre.x, 200.0);
    close(centre.y, 160.0);
    // The scale is uniform for contain: 300/640.
    close((a * a + b * b).sqrt(), 300.0 / 640.0);
    close((c * c + d * d).sqrt(), 300.0 / 640.0);
}

#[test]
fn bad_pictures_and_crops_are_refused() {
    let err = placement(&full(100.0, 100.0), Fit::Contain, None, 0, 1080, Rotation::R0).unwrap_err();
    assert_eq!(err.code(), "empty_picture");
    let crop = Crop { x: 0, y: 1000, width: 1080, height: 1000 };
    let err = placement(&full(100.0, 100.0), Fit::Contain, Some(crop), 1920, 1080, Rotation::R90).unwrap_err();
    assert_eq!(
        err.to_string(),
        "reaches past the picture: x + width is 1080 and y + height is 2000, but the picture is 1080×1920 source pixels (after its rotation); keep x + width ≤ 1080 and y + height ≤ 1920"
    );
    let fits = Crop { x: 0, y: 920, width: 1080, height: 1000 };
    assert!(placement(&full(100.0, 100.0), Fit::Contain, Some(fits), 1920, 1080, Rotation::R90).is_ok());
}
