//! NAL unit payloads ↔ RBSP: removing and inserting the emulation prevention bytes
//! (`00 00 03`) that keep start codes out of H.264/H.265 payloads.

/// The RBSP of a NAL unit payload: every `03` after two zero bytes dropped.
pub fn unescape(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len());
    let mut zeros = 0;
    for &byte in payload {
        if zeros >= 2 && byte == 3 {
            zeros = 0;
            continue;
        }
        zeros = if byte == 0 { zeros + 1 } else { 0 };
        out.push(byte);
    }
    out
}

/// The NAL unit payload of `rbsp`: a `03` inserted wherever two zero bytes precede a byte ≤ 3.
pub fn escape(rbsp: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rbsp.len() + rbsp.len() / 64 + 1);
    let mut zeros = 0;
    for &byte in rbsp {
        if zeros >= 2 && byte <= 3 {
            out.push(3);
            zeros = 0;
        }
        zeros = if byte == 0 { zeros + 1 } else { 0 };
        out.push(byte);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_emulation_prevention() {
        let rbsp = [0x67, 0, 0, 1, 0, 0, 0, 0, 0, 3, 5, 0, 0];
        let payload = escape(&rbsp);
        assert_eq!(payload, [0x67, 0, 0, 3, 1, 0, 0, 3, 0, 0, 3, 0, 3, 5, 0, 0]);
        assert_eq!(unescape(&payload), rbsp);
        assert_eq!(unescape(&[0, 0, 3]), [0, 0]);
    }
}
