//! What this browser can do, asked before any work starts: every source track must be
//! decodable (`isConfigSupported`), and the first encoder candidate the browser accepts is
//! used. AAC output falls back to Opus in MP4 when the browser cannot encode AAC.

use super::audio_decode;
use super::audio_encode;
use super::error::RenderError;
use super::media::Media;
use super::video_decode;
use super::video_encode;
use crate::plan::{AudioTreatment, RenderPlan, Visual};
use js_sys::{Promise, Reflect};
use std::collections::{BTreeMap, BTreeSet};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AudioDecoder, AudioEncoder, AudioEncoderConfig, VideoDecoder, VideoEncoder, VideoEncoderConfig};

/// The encoders chosen for a job.
pub(crate) struct Encoders {
    /// The video encoder config (its codec string is the one used).
    pub video: VideoEncoderConfig,
    /// The audio encoder config, when the output has sound.
    pub audio: Option<AudioEncoderConfig>,
    /// Why the audio codec differs from the one asked for, if it does.
    pub audio_fallback: Option<String>,
}

async fn supported(promise: impl JsCast) -> bool {
    match JsFuture::from(promise.unchecked_into::<Promise>()).await {
        Ok(answer) => Reflect::get(&answer, &"supported".into()).ok().and_then(|v| v.as_bool()).unwrap_or(false),
        Err(_) => false,
    }
}

/// Fails with `codec_unsupported` naming the first source track this browser cannot decode.
pub(crate) async fn check_decoders(plan: &RenderPlan, media: &Media) -> Result<(), RenderError> {
    match undecodable(plan, media).await?.into_iter().next() {
        Some((source, codec)) => Err(unsupported(&codec, "decode", Some(source))),
        None => Ok(()),
    }
}

/// Every source (by id) with a track the plan uses that this browser cannot decode, with the
/// codec string of the first such track.
pub(crate) async fn undecodable(plan: &RenderPlan, media: &Media) -> Result<BTreeMap<String, String>, RenderError> {
    let mut checked = BTreeSet::new();
    let mut failing = BTreeMap::new();
    let video = plan.visuals.iter().filter_map(|v| match &v.content {
        Visual::Video(video) => Some((video.source.clone(), video.track_id)),
        _ => None,
    });
    for (source, track_id) in video {
        let (_, track) = media.track(&source, track_id)?;
        if checked.insert((source.clone(), track_id)) && !supported(VideoDecoder::is_config_supported(&video_decode::decoder_config(track))).await {
            failing.entry(source).or_insert_with(|| track.codec.clone());
        }
    }
    for clip in &plan.audio {
        let (_, track) = media.track(&clip.source, clip.track_id)?;
        if checked.insert((clip.source.clone(), clip.track_id)) && !supported(AudioDecoder::is_config_supported(&audio_decode::decoder_config(track))).await {
            failing.entry(clip.source.clone()).or_insert_with(|| track.codec.clone());
        }
    }
    Ok(failing)
}

/// Chooses the encoders for `plan`, or fails with `codec_unsupported`.
pub(crate) async fn choose_encoders(plan: &RenderPlan) -> Result<Encoders, RenderError> {
    let (out, video) = (&plan.output, &plan.encoding.video);
    let mut chosen = None;
    for codec in &video.candidates {
        let config = video_encode::encoder_config(codec, out.width, out.height, out.frame_rate.fps(), video.bitrate_bps, video.target.is_some());
        if supported(VideoEncoder::is_config_supported(&config)).await {
            chosen = Some(config);
            break;
        }
    }
    let first = video.candidates.first().cloned().unwrap_or_else(|| format!("{:?}", video.codec).to_lowercase());
    let video = chosen.ok_or_else(|| unsupported(&first, "encode", None))?;
    // Copied sound needs no encoder (the timeline copies it when the plan says so).
    let copied = matches!(plan.audio_treatment, AudioTreatment::Copy { .. });
    let Some(audio) = plan.encoding.audio.as_ref().filter(|_| !copied) else {
        return Ok(Encoders { video, audio: None, audio_fallback: None });
    };
    let config = audio_encode::encoder_config(&audio.codec_string, audio.bitrate_bps);
    if supported(AudioEncoder::is_config_supported(&config)).await {
        return Ok(Encoders { video, audio: Some(config), audio_fallback: None });
    }
    let opus = audio_encode::encoder_config("opus", audio.bitrate_bps);
    if audio.codec_string != "opus" && supported(AudioEncoder::is_config_supported(&opus)).await {
        let reason = format!("this browser cannot encode {}; the audio is Opus instead", audio.codec_string);
        return Ok(Encoders { video, audio: Some(opus), audio_fallback: Some(reason) });
    }
    Err(unsupported(&audio.codec_string, "encode", None))
}

fn unsupported(codec: &str, action: &'static str, source_id: Option<String>) -> RenderError {
    RenderError::CodecUnsupported { codec: codec.to_owned(), action, source_id }
}
