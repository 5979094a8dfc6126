//! 2D geometry for placement: points, rectangles and affine transforms in canvas order.

use serde::{Deserialize, Serialize};

/// A point in pixels (x to the right, y down).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Horizontal position.
    pub x: f64,
    /// Vertical position.
    pub y: f64,
}

impl Point {
    /// The point `(x, y)`.
    pub const fn new(x: f64, y: f64) -> Point {
        Point { x, y }
    }
}

/// An axis-aligned rectangle in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

impl Rect {
    /// The rectangle with corner `(x, y)` and size `width × height`.
    pub const fn new(x: f64, y: f64, width: f64, height: f64) -> Rect {
        Rect { x, y, width, height }
    }

    /// The corners clockwise from the top-left: top-left, top-right, bottom-right, bottom-left.
    pub fn corners(&self) -> [Point; 4] {
        let (r, b) = (self.x + self.width, self.y + self.height);
        [Point::new(self.x, self.y), Point::new(r, self.y), Point::new(r, b), Point::new(self.x, b)]
    }

    /// The centre.
    pub fn center(&self) -> Point {
        Point::new(self.x + self.width / 2.0, self.y + self.height / 2.0)
    }
}

/// A 2D affine transform with canvas `setTransform(a, b, c, d, e, f)` semantics:
/// `x' = a·x + c·y + e`, `y' = b·x + d·y + f`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Affine {
    /// Horizontal scale part (x' per x).
    pub a: f64,
    /// Vertical skew part (y' per x).
    pub b: f64,
    /// Horizontal skew part (x' per y).
    pub c: f64,
    /// Vertical scale part (y' per y).
    pub d: f64,
    /// Horizontal translation.
    pub e: f64,
    /// Vertical translation.
    pub f: f64,
}

impl Affine {
    /// The transform that changes nothing.
    pub const IDENTITY: Affine = Affine { a: 1.0, b: 0.0, c: 0.0, d: 1.0, e: 0.0, f: 0.0 };

    /// A move by `(x, y)`.
    pub const fn translate(x: f64, y: f64) -> Affine {
        Affine { e: x, f: y, ..Affine::IDENTITY }
    }

    /// A scale by `sx` horizontally and `sy` vertically around the origin.
    pub const fn scale(sx: f64, sy: f64) -> Affine {
        Affine { a: sx, d: sy, ..Affine::IDENTITY }
    }

    /// A clockwise rotation (on screen, y down) by `degrees` around the origin; exact for multiples of 90.
    pub fn rotate(degrees: f64) -> Affine {
        let (sin, cos) = match degrees.rem_euclid(360.0) {
            0.0 => (0.0, 1.0),
            90.0 => (1.0, 0.0),
            180.0 => (0.0, -1.0),
            270.0 => (-1.0, 0.0),
            other => other.to_radians().sin_cos(),
        };
        Affine { a: cos, b: sin, c: -sin, d: cos, e: 0.0, f: 0.0 }
    }

    /// This transform followed by `next` (`next ∘ self`).
    pub fn then(self, next: Affine) -> Affine {
        let (s, n) = (self, next);
        Affine {
            a: n.a * s.a + n.c * s.b,
            b: n.b * s.a + n.d * s.b,
            c: n.a * s.c + n.c * s.d,
            d: n.b * s.c + n.d * s.d,
            e: n.a * s.e + n.c * s.f + n.e,
            f: n.b * s.e + n.d * s.f + n.f,
        }
    }

    /// Where `p` lands.
    pub fn apply(&self, p: Point) -> Point {
        Point::new(self.a * p.x + self.c * p.y + self.e, self.b * p.x + self.d * p.y + self.f)
    }

    /// The inverse transform, or `None` when this one flattens the plane (zero determinant).
    pub fn inverse(&self) -> Option<Affine> {
        let det = self.a * self.d - self.b * self.c;
        if det == 0.0 || !det.is_finite() {
            return None;
        }
        let (a, b, c, d) = (self.d / det, -self.b / det, -self.c / det, self.a / det);
        Some(Affine { a, b, c, d, e: -(a * self.e + c * self.f), f: -(b * self.e + d * self.f) })
    }

    /// `[a, b, c, d, e, f]`, the argument order of canvas `setTransform`.
    pub fn to_array(&self) -> [f64; 6] {
        [self.a, self.b, self.c, self.d, self.e, self.f]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_turns_are_exact_and_clockwise() {
        // On screen (y down), a clockwise quarter turn takes "right" to "down".
        assert_eq!(Affine::rotate(90.0).apply(Point::new(1.0, 0.0)), Point::new(0.0, 1.0));
        assert_eq!(Affine::rotate(-90.0).apply(Point::new(1.0, 0.0)), Point::new(0.0, -1.0));
        assert_eq!(Affine::rotate(540.0).apply(Point::new(2.0, 3.0)), Point::new(-2.0, -3.0));
        let p = Affine::rotate(45.0).apply(Point::new(1.0, 0.0));
        assert!((p.x - p.y).abs() < 1e-12 && p.y > 0.0);
    }

    #[test]
    fn composition_applies_left_to_right_and_inverts() {
        let t = Affine::scale(2.0, 3.0).then(Affine::rotate(30.0)).then(Affine::translate(5.0, -7.0));
        let p = Point::new(1.5, -2.5);
        let step = Affine::translate(5.0, -7.0).apply(Affine::rotate(30.0).apply(Affine::scale(2.0, 3.0).apply(p)));
        let direct = t.apply(p);
        assert!((direct.x - step.x).abs() < 1e-12 && (direct.y - step.y).abs() < 1e-12);
        let back = t.inverse().unwrap().apply(direct);
        assert!((back.x - p.x).abs() < 1e-12 && (back.y - p.y).abs() < 1e-12);
        assert_eq!(Affine::scale(0.0, 1.0).inverse(), None);
    }
}
