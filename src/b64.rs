//! base64url without padding (RFC 4648 §5), as JOSE uses it. Decoding is strict: no padding, no
//! characters outside the alphabet, no non-zero trailing bits. Decoding is table-driven: the
//! ciphertext is decoded on every request.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

pub fn encode(bytes: &[u8]) -> String {
  URL_SAFE_NO_PAD.encode(bytes)
}

const INVALID: u8 = 0xff;

const fn table() -> [u8; 256] {
  let mut t = [INVALID; 256];
  let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  let mut i = 0;
  while i < 64 {
    t[alphabet[i] as usize] = i as u8;
    i += 1;
  }
  t
}

static TABLE: [u8; 256] = table();

pub fn decode(text: &str) -> Option<Vec<u8>> {
  let text = text.as_bytes();
  let full = text.len() / 4;
  let rest = text.len() % 4;
  if rest == 1 {
    return None;
  }
  let len = full * 3 + rest.saturating_sub(1);
  let mut out: Vec<u8> = Vec::with_capacity(len);
  let mut bad = 0u8;
  {
    let spare = &mut out.spare_capacity_mut()[..len];
    let (groups, _) = text.split_at(full * 4);
    let (dst, _) = spare.split_at_mut(full * 3);
    for (chunk, dst) in groups.chunks_exact(4).zip(dst.chunks_exact_mut(3)) {
      let (a, b, c, d) = (
        TABLE[chunk[0] as usize],
        TABLE[chunk[1] as usize],
        TABLE[chunk[2] as usize],
        TABLE[chunk[3] as usize],
      );
      bad |= a | b | c | d;
      let v = (u32::from(a) << 18) | (u32::from(b) << 12) | (u32::from(c) << 6) | u32::from(d);
      dst[0].write((v >> 16) as u8);
      dst[1].write((v >> 8) as u8);
      dst[2].write(v as u8);
    }
    let tail = &text[full * 4..];
    let tail_out = &mut spare[full * 3..];
    match tail.len() {
      2 => {
        let (a, b) = (TABLE[tail[0] as usize], TABLE[tail[1] as usize]);
        bad |= a | b;
        // The last character's unused low bits must be zero (canonical encoding).
        bad |= if b & 0x0f != 0 { INVALID } else { 0 };
        tail_out[0].write((a << 2) | (b >> 4));
      }
      3 => {
        let (a, b, c) = (
          TABLE[tail[0] as usize],
          TABLE[tail[1] as usize],
          TABLE[tail[2] as usize],
        );
        bad |= a | b | c;
        bad |= if c & 0x03 != 0 { INVALID } else { 0 };
        tail_out[0].write((a << 2) | (b >> 4));
        tail_out[1].write((b << 4) | (c >> 2));
      }
      _ => {}
    }
  }
  if bad & 0x80 != 0 {
    return None;
  }
  // SAFETY: the loops above wrote every one of the first `len` bytes: `full` groups of three, then
  // the `rest - 1` tail bytes.
  unsafe { out.set_len(len) };
  Some(out)
}

/// Whether every byte is in the base64url alphabet.
pub fn is_alphabet(text: &str) -> bool {
  text.bytes().all(|b| TABLE[b as usize] != INVALID)
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn round_trips_and_rejects_what_jose_rejects() {
    assert_eq!(encode(b"\xfb\xff"), "-_8");
    assert_eq!(decode("-_8").unwrap(), b"\xfb\xff");
    assert!(decode("-_8=").is_none());
    assert!(decode("+/8").is_none());
    assert!(decode("a").is_none());
    assert!(decode("-_9").is_none(), "non-zero trailing bits");
    assert!(decode("QQ").is_some() && decode("QR").is_none());
    assert_eq!(decode("").unwrap(), b"");
    assert!(is_alphabet("aZ09-_"));
    assert!(!is_alphabet("a.b"));
    assert!(decode("ab\u{e9}c").is_none());
  }

  #[test]
  fn agrees_with_the_base64_crate_on_every_length_and_byte() {
    for len in 0..70usize {
      let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + len) as u8).collect();
      let text = encode(&bytes);
      assert_eq!(decode(&text).unwrap(), bytes);
      // Every single-character corruption is rejected or decodes as the crate decodes it.
      for pos in 0..text.len() {
        for c in [b'A', b'_', b'=', b'.', b' ', 0xC3] {
          let mut t = text.clone().into_bytes();
          t[pos] = c;
          let Ok(t) = String::from_utf8(t) else { continue };
          assert_eq!(decode(&t), URL_SAFE_NO_PAD.decode(&t).ok(), "{t}");
        }
      }
    }
  }
}
