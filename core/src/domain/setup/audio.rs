//! Short WAV audio for the demo's voicemails, greetings and recordings.

use std::f32::consts::TAU;
use std::io::Cursor;

use crate::base::error::{Error, Result};

const SAMPLE_RATE: u32 = 8_000;

/// A telephone-quality mono WAV: a few tones in a row, `tones` in Hz, each `tone_ms` long.
pub fn tone_sequence(tones: &[f32], tone_ms: u32) -> Result<Vec<u8>> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: SAMPLE_RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut out = Cursor::new(Vec::new());
    let mut w = hound::WavWriter::new(&mut out, spec).map_err(wav_error)?;
    let per_tone = SAMPLE_RATE * tone_ms / 1000;
    for &freq in tones {
        for i in 0..per_tone {
            let t = i as f32 / SAMPLE_RATE as f32;
            // Fade in and out so that tones do not click.
            let edge = (i.min(per_tone - i) as f32 / 200.0).min(1.0);
            let sample = (TAU * freq * t).sin() * 0.3 * edge;
            w.write_sample((sample * i16::MAX as f32) as i16)
                .map_err(wav_error)?;
        }
    }
    w.finalize().map_err(wav_error)?;
    Ok(out.into_inner())
}

fn wav_error(e: hound::Error) -> Error {
    Error::Internal(format!("could not write WAV audio: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_wav_that_reads_back_with_the_expected_length() {
        let bytes = tone_sequence(&[440.0, 660.0], 250).unwrap();
        let r = hound::WavReader::new(Cursor::new(bytes)).unwrap();
        assert_eq!(r.spec().sample_rate, SAMPLE_RATE);
        assert_eq!(r.duration(), SAMPLE_RATE / 2);
    }
}
