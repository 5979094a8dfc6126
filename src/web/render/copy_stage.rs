//! Stream copy (issue #8): the packets of a plan [`Splice`]'s copied span go from the source
//! into the muxer unchanged (same bytes, the source's decoder description), only moved to
//! timeline time; nothing is decoded or encoded.
//!
//! The copied span is whole GOPs (it starts on a keyframe and stops before the next GOP's
//! keyframe or at the end of the track), so every packet whose presentation time lies in it
//! is copied, in decode order.

use super::encoded_output::StreamConfig;
use super::error::RenderError;
use super::media::Media;
use super::packets::TrackPackets;
use crate::container::Packet;
use crate::plan::{RenderPlan, SourceSpan, Splice};

/// The decoder config the copied packets carry: the source track's codec string and
/// description (`avcC`), shared by every copied segment (the plan checks they match).
pub(crate) fn copy_config(plan: &RenderPlan, media: &Media) -> Result<Option<StreamConfig>, RenderError> {
    let Some(splice) = plan.segments.iter().find_map(|s| s.treatment.splice()) else { return Ok(None) };
    let (_, track) = media.track(&splice.source, splice.track_id)?;
    Ok(Some((track.codec.clone(), track.description.clone())))
}

/// Reads the packets of `span` of `splice`'s source, moved to timeline time, GOP by GOP.
pub(crate) struct CopyReader {
    packets: TrackPackets,
    span: SourceSpan,
    offset_us: i64,
    held: Option<Packet>,
    done: bool,
}

impl CopyReader {
    /// Opens the source at the keyframe starting `span`.
    pub(crate) fn open(media: &Media, splice: &Splice, span: SourceSpan) -> Result<Self, RenderError> {
        let (blob, track) = media.track(&splice.source, splice.track_id)?;
        let packets = TrackPackets::open(blob, &splice.source, track.id, span.from_us)?;
        Ok(CopyReader { packets, span, offset_us: splice.offset_us, held: None, done: false })
    }

    /// The next GOP's packets (decode order, timeline time), or `None` after the span.
    pub(crate) fn next_gop(&mut self) -> Result<Option<Vec<Packet>>, RenderError> {
        let mut gop = Vec::new();
        while !self.done {
            let Some(mut packet) = self.held.take().map_or_else(|| self.packets.next(), |p| Ok(Some(p)))? else {
                self.done = true;
                break;
            };
            if packet.keyframe && packet.pts_us >= self.span.to_us {
                self.done = true;
                break;
            }
            if packet.keyframe && !gop.is_empty() {
                self.held = Some(packet);
                break;
            }
            if packet.pts_us < self.span.from_us || packet.pts_us >= self.span.to_us {
                continue;
            }
            packet.pts_us -= self.offset_us;
            packet.dts_us -= self.offset_us;
            gop.push(packet);
        }
        Ok(if gop.is_empty() { None } else { Some(gop) })
    }
}
