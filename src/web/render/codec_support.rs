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
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use wasm_bindgen::{JsCast, JsValue};
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

thread_local! {
    /// Answers the browser gave in this worker, by codec kind and config (JSON): its codec
    /// support does not change while it runs, so later jobs skip the round trips.
    static ANSWERS: RefCell<BTreeMap<String, bool>> = RefCell::default();
}

/// A question put to the browser (`isConfigSupported`), in flight until answered: every
/// question of a job is asked at once, so their round trips overlap; one answered before in
/// this worker is not asked again.
enum Question {
    /// Answered by an earlier job.
    Known(bool),
    /// In flight; the answer is remembered under `key`.
    Asked { key: Option<String>, promise: Promise },
}

impl Question {
    /// Asks `is_supported(config)` of codec `kind`, unless it was answered before.
    fn ask<C: AsRef<JsValue>, P: JsCast>(kind: &str, config: &C, is_supported: impl FnOnce(&C) -> P) -> Self {
        let key = js_sys::JSON::stringify(config.as_ref()).ok().and_then(|json| json.as_string()).map(|json| format!("{kind} {json}"));
        if let Some(known) = key.as_ref().and_then(|k| ANSWERS.with(|answers| answers.borrow().get(k).copied())) {
            return Question::Known(known);
        }
        Question::Asked { key, promise: is_supported(config).unchecked_into() }
    }

    /// True when the browser supports the config.
    async fn answer(self) -> bool {
        let (key, promise) = match self {
            Question::Known(supported) => return supported,
            Question::Asked { key, promise } => (key, promise),
        };
        let Ok(answer) = JsFuture::from(promise).await else { return false };
        let supported = Reflect::get(&answer, &"supported".into()).ok().and_then(|v| v.as_bool()).unwrap_or(false);
        if let Some(key) = key {
            ANSWERS.with(|answers| answers.borrow_mut().insert(key, supported));
        }
        supported
    }
}

/// Whether this browser decodes every source track a plan uses: asked at once, answered later.
pub(crate) struct DecoderCheck(Vec<(String, String, Question)>);

impl DecoderCheck {
    /// Asks about every (source, track) the plan decodes, once each.
    pub(crate) fn ask(plan: &RenderPlan, media: &Media) -> Result<Self, RenderError> {
        let mut checked = BTreeSet::new();
        let mut asked = Vec::new();
        for visual in &plan.visuals {
            let Visual::Video(video) = &visual.content else { continue };
            let track = media.track(&video.source, video.track_id)?;
            if checked.insert((video.source.clone(), video.track_id)) {
                let question = Question::ask("VideoDecoder", &video_decode::decoder_config(track), VideoDecoder::is_config_supported);
                asked.push((video.source.clone(), track.codec.clone(), question));
            }
        }
        for clip in &plan.audio {
            let track = media.track(&clip.source, clip.track_id)?;
            if checked.insert((clip.source.clone(), clip.track_id)) {
                let question = Question::ask("AudioDecoder", &audio_decode::decoder_config(track), AudioDecoder::is_config_supported);
                asked.push((clip.source.clone(), track.codec.clone(), question));
            }
        }
        Ok(DecoderCheck(asked))
    }

    /// Every source (by id) with a track this browser cannot decode, with the codec string
    /// of the first such track.
    pub(crate) async fn failing(self) -> BTreeMap<String, String> {
        let mut failing = BTreeMap::new();
        for (source, codec, question) in self.0 {
            if !question.answer().await {
                failing.entry(source).or_insert(codec);
            }
        }
        failing
    }

    /// Fails with `codec_unsupported` naming the first source track this browser cannot decode.
    pub(crate) async fn check(self) -> Result<(), RenderError> {
        match self.failing().await.into_iter().next() {
            Some((source, codec)) => Err(unsupported(&codec, "decode", Some(source))),
            None => Ok(()),
        }
    }
}

/// Fails with `codec_unsupported` naming the first source track this browser cannot decode.
pub(crate) async fn check_decoders(plan: &RenderPlan, media: &Media) -> Result<(), RenderError> {
    DecoderCheck::ask(plan, media)?.check().await
}

/// Every source (by id) with a track the plan uses that this browser cannot decode, with the
/// codec string of the first such track.
pub(crate) async fn undecodable(plan: &RenderPlan, media: &Media) -> Result<BTreeMap<String, String>, RenderError> {
    Ok(DecoderCheck::ask(plan, media)?.failing().await)
}

/// An encoder config and the question about it.
type Asked<C> = (C, Question);

/// The encoder configs a plan may use, each asked about at once, answered later.
pub(crate) struct EncoderQuery {
    /// The video candidates, best first.
    video: Vec<Asked<VideoEncoderConfig>>,
    /// The first candidate's codec string, for the error.
    first: String,
    /// The audio config asked for and, when that is not Opus, Opus as its fallback.
    audio: Option<(Asked<AudioEncoderConfig>, Option<Asked<AudioEncoderConfig>>)>,
}

impl EncoderQuery {
    /// Asks about every encoder config `plan` may use.
    pub(crate) fn ask(plan: &RenderPlan) -> Self {
        let (out, video) = (&plan.output, &plan.encoding.video);
        let candidates = video.candidates.iter().map(|codec| {
            let config = video_encode::encoder_config(codec, out.width, out.height, out.frame_rate.fps(), video.bitrate_bps, video.target.is_some());
            let question = Question::ask("VideoEncoder", &config, VideoEncoder::is_config_supported);
            (config, question)
        });
        let first = video.candidates.first().cloned().unwrap_or_else(|| format!("{:?}", video.codec).to_lowercase());
        // Copied sound needs no encoder (the timeline copies it when the plan says so).
        let copied = matches!(plan.audio_treatment, AudioTreatment::Copy { .. });
        let audio = plan.encoding.audio.as_ref().filter(|_| !copied).map(|audio| {
            let ask = |codec: &str| {
                let config = audio_encode::encoder_config(codec, audio.bitrate_bps);
                let question = Question::ask("AudioEncoder", &config, AudioEncoder::is_config_supported);
                (config, question)
            };
            (ask(&audio.codec_string), (audio.codec_string != "opus").then(|| ask("opus")))
        });
        EncoderQuery { video: candidates.collect(), first, audio }
    }

    /// The first video candidate and audio config the browser accepts (AAC falling back to
    /// Opus), or `codec_unsupported`.
    pub(crate) async fn answer(self) -> Result<Encoders, RenderError> {
        // Every answer is awaited (none left to reject unobserved); they arrive together.
        let mut chosen = None;
        for (config, question) in self.video {
            if question.answer().await && chosen.is_none() {
                chosen = Some(config);
            }
        }
        let audio = match self.audio {
            Some(((config, question), opus)) => {
                let accepted = question.answer().await;
                let opus = match opus {
                    Some((opus, question)) => question.answer().await.then_some(opus),
                    None => None,
                };
                Some((config, accepted, opus))
            }
            None => None,
        };
        let video = chosen.ok_or_else(|| unsupported(&self.first, "encode", None))?;
        match audio {
            None => Ok(Encoders { video, audio: None, audio_fallback: None }),
            Some((config, true, _)) => Ok(Encoders { video, audio: Some(config), audio_fallback: None }),
            Some((config, false, Some(opus))) => {
                let reason = format!("this browser cannot encode {}; the audio is Opus instead", config.get_codec());
                Ok(Encoders { video, audio: Some(opus), audio_fallback: Some(reason) })
            }
            Some((config, false, None)) => Err(unsupported(&config.get_codec(), "encode", None)),
        }
    }
}

/// Chooses the encoders for `plan`, or fails with `codec_unsupported`.
pub(crate) async fn choose_encoders(plan: &RenderPlan) -> Result<Encoders, RenderError> {
    EncoderQuery::ask(plan).answer().await
}

fn unsupported(codec: &str, action: &'static str, source_id: Option<String>) -> RenderError {
    RenderError::CodecUnsupported { codec: codec.to_owned(), action, source_id }
}
