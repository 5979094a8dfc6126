//! [`YuvSpace`]: how R'G'B' codes map to Y'CbCr codes (8-bit).

/// The matrix coefficients of a Y'CbCr frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YuvMatrix {
    /// ITU-R BT.709 (HD).
    Bt709,
    /// ITU-R BT.601 (SD; `smpte170m` and `bt470bg` in WebCodecs).
    Bt601,
}

/// A frame's Y'CbCr encoding: matrix and range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YuvSpace {
    /// Matrix coefficients.
    pub matrix: YuvMatrix,
    /// Full range (Y 0–255) rather than limited (Y 16–235, Cb/Cr 16–240).
    pub full_range: bool,
}

impl YuvSpace {
    /// The `(Kr, Kb)` luma weights of the matrix.
    fn weights(self) -> (f32, f32) {
        match self.matrix {
            YuvMatrix::Bt709 => (0.2126, 0.0722),
            YuvMatrix::Bt601 => (0.299, 0.114),
        }
    }

    /// `(luma scale, luma offset, chroma scale)` in codes per unit.
    fn scales(self) -> (f32, f32, f32) {
        if self.full_range { (255.0, 0.0, 255.0) } else { (219.0, 16.0, 224.0) }
    }

    /// The rows of the affine map from R'G'B' codes (0–255) to Y'CbCr codes, without the
    /// offsets: `[y, cb, cr]`, each `[r, g, b]` weights.
    pub(crate) fn rows(self) -> [[f32; 3]; 3] {
        let (kr, kb) = self.weights();
        let kg = 1.0 - kr - kb;
        let (ys, _, cs) = self.scales();
        let y = [kr, kg, kb];
        let cb = [-kr, -kg, 1.0 - kb].map(|w| w / (2.0 * (1.0 - kb)));
        let cr = [1.0 - kr, -kg, -kb].map(|w| w / (2.0 * (1.0 - kr)));
        [y.map(|w| w * ys / 255.0), cb.map(|w| w * cs / 255.0), cr.map(|w| w * cs / 255.0)]
    }

    /// The codes of black with no colour: `[y, cb, cr]` offsets.
    pub(crate) fn offsets(self) -> [f32; 3] {
        [self.scales().1, 128.0, 128.0]
    }

    /// The Y'CbCr codes (unrounded) of R'G'B' codes `rgb`.
    pub fn from_rgb(self, rgb: [f32; 3]) -> [f32; 3] {
        let rows = self.rows();
        let off = self.offsets();
        [0, 1, 2].map(|i| off[i] + rows[i][0] * rgb[0] + rows[i][1] * rgb[1] + rows[i][2] * rgb[2])
    }

    /// The R'G'B' codes (unrounded, unclamped) of Y'CbCr codes `yuv`.
    pub fn to_rgb(self, yuv: [f32; 3]) -> [f32; 3] {
        let (kr, kb) = self.weights();
        let kg = 1.0 - kr - kb;
        let (ys, yo, cs) = self.scales();
        let y = (yuv[0] - yo) / ys;
        let (cb, cr) = ((yuv[1] - 128.0) / cs, (yuv[2] - 128.0) / cs);
        let r = y + 2.0 * (1.0 - kr) * cr;
        let b = y + 2.0 * (1.0 - kb) * cb;
        let g = (y - kr * r - kb * b) / kg;
        [r * 255.0, g * 255.0, b * 255.0]
    }
}
