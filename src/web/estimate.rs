//! The `estimateRoute` export: a project and its files in, the router's decision out
//! (`{ client, server, choice, reasons, clientFeasible, serverFeasible, features, needs }`).

use super::error::{INTERNAL, error_object};
use super::render::{RenderError, choose_encoders, prepare, undecodable};
use crate::plan::SourceNeeds;
use crate::project::Format;
use crate::route::{ClientSupport, Decision, DeviceProfile, JobFeatures, NetworkProfile, RouteOptions, ServerState, decide};
use js_sys::{JSON, Promise};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

/// What the worker measured and learned: `{ device, network, server, options }` (camelCase,
/// see `route::DeviceProfile`, `NetworkProfile`, `ServerState`, `RouteOptions`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Inputs {
    #[serde(default)]
    device: DeviceProfile,
    #[serde(default)]
    network: NetworkProfile,
    server: ServerState,
    #[serde(default)]
    options: RouteOptions,
}

/// The decision with the features it was made from and the plan's per-source needs (what a
/// range-only upload keeps).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    #[serde(flatten)]
    decision: Decision,
    features: JobFeatures,
    needs: BTreeMap<String, SourceNeeds>,
}

/// Estimates `project_json` with `files` (`{ [sourceId]: Blob }`) on both sides and decides
/// where it renders; `inputs_json` is the JSON of `{ device, network, server, options }`.
/// Rejects with `{ code, message, … }` like `render` for invalid projects and unreadable files.
#[wasm_bindgen(js_name = estimateRoute)]
pub fn estimate_route(project_json: String, files: JsValue, inputs_json: String) -> Promise {
    wasm_bindgen_futures::future_to_promise(async move {
        let inputs: Inputs = serde_json::from_str(&inputs_json)
            .map_err(|e| error_object(INTERNAL, &format!("the router inputs are malformed ({e}); this is an engine bug")))?;
        let (project, media, plan) = prepare(&project_json, &files).map_err(|e| e.to_js())?;
        let support = ClientSupport {
            undecodable: undecodable(&plan, &media).await.map_err(|e| e.to_js())?,
            // GIF is encoded by the core, so this browser can always make it.
            unencodable: if plan.output.format == Format::Gif {
                None
            } else {
                match choose_encoders(&plan).await {
                    Ok(_) => None,
                    Err(RenderError::CodecUnsupported { codec, .. }) => Some(codec),
                    Err(other) => return Err(other.to_js()),
                }
            },
        };
        let features = JobFeatures::from_plan(&project, &plan, &media.probes());
        let decision = decide(&features, &inputs.device, &inputs.network, &inputs.server, &support, &inputs.options);
        let json = serde_json::to_string(&Answer { decision, features, needs: plan.sources })
            .map_err(|e| error_object(INTERNAL, &format!("could not convert the estimate: {e}")))?;
        JSON::parse(&json)
    })
}
