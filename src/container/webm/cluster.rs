//! Walks Clusters block by block, reading only element and block headers: the
//! shared engine of the demuxer and of the probe's scan. Handles unknown-size
//! Clusters (live WebM), which end at the first element that cannot be their child.

use super::blocks::{BlockHeader, FLAG_KEYFRAME, MAX_BLOCK_HEADER, parse_block_header};
use super::ebml::{int, malformed, uint};
use super::ids;
use super::reader::{Element, Reader};
use crate::container::ContainerError;

/// A block located in the file, with everything known about it short of its frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockRef {
    /// The parsed block header.
    pub header: BlockHeader,
    /// Absolute timestamp in ticks (Cluster timestamp + relative timestamp).
    pub time: i64,
    /// True for keyframes (SimpleBlock flag, or a BlockGroup without ReferenceBlock).
    pub keyframe: bool,
    /// File offset of the block payload (starting with the block header).
    pub data: u64,
    /// Size of the block payload.
    pub size: u64,
    /// BlockDuration in ticks, when a BlockGroup gives one.
    pub duration: Option<u64>,
    /// DiscardPadding in nanoseconds (0 when absent).
    pub discard_padding_ns: i64,
}

#[derive(Debug, Clone, Copy)]
struct OpenCluster {
    end: Option<u64>,
    time: u64,
}

/// A cursor over the blocks of a Segment, in file order.
#[derive(Debug, Clone)]
pub struct ClusterWalker {
    pos: u64,
    end: u64,
    cluster: Option<OpenCluster>,
    unknown_size_seen: bool,
}

impl ClusterWalker {
    /// Starts at `start` (usually the first Cluster) and stops at `end` (the Segment's end).
    pub fn new(start: u64, end: u64) -> Self {
        Self { pos: start, end, cluster: None, unknown_size_seen: false }
    }

    /// Where the walk stops (the Segment's end).
    pub fn end(&self) -> u64 {
        self.end
    }

    /// True once a Cluster with an unknown size has been entered.
    pub fn unknown_size_seen(&self) -> bool {
        self.unknown_size_seen
    }

    /// The next block, or `None` at the end of the Segment.
    pub fn next_block(&mut self, reader: &mut Reader) -> Result<Option<BlockRef>, ContainerError> {
        loop {
            if self.pos >= self.end {
                return Ok(None);
            }
            let Some(mut cluster) = self.cluster else {
                if !self.enter_next_cluster(reader)? {
                    return Ok(None);
                }
                continue;
            };
            if cluster.end.is_some_and(|e| self.pos >= e) {
                self.cluster = None;
                continue;
            }
            let element = reader.element(self.pos)?;
            if cluster.end.is_none() && !ids::is_cluster_child(element.id) {
                self.cluster = None;
                continue;
            }
            let end = element.end().ok_or_else(|| malformed(format!("element 0x{:X} inside a Cluster has an unknown size", element.id)))?;
            if end > reader.len() {
                return Err(ContainerError::Truncated { what: format!("Cluster child 0x{:X}", element.id), offset: self.pos, len: reader.len() });
            }
            self.pos = end;
            match element.id {
                ids::TIMESTAMP => {
                    cluster.time = uint(&reader.payload(&element, "Cluster Timestamp")?)?;
                    self.cluster = Some(cluster);
                }
                ids::SIMPLE_BLOCK => {
                    let header = block_header(reader, &element)?;
                    let keyframe = header.flags & FLAG_KEYFRAME != 0;
                    return Ok(Some(block_ref(cluster.time, header, keyframe, &element)));
                }
                ids::BLOCK_GROUP => {
                    if let Some(block) = read_block_group(reader, &element, cluster.time)? {
                        return Ok(Some(block));
                    }
                }
                _ => {}
            }
        }
    }

    /// Moves to the payload of the next Cluster, skipping other top-level elements; false at the end.
    fn enter_next_cluster(&mut self, reader: &mut Reader) -> Result<bool, ContainerError> {
        let element = reader.element(self.pos)?;
        match element.id {
            ids::CLUSTER => {
                self.unknown_size_seen |= element.size.is_none();
                self.cluster = Some(OpenCluster { end: element.end(), time: 0 });
                self.pos = element.data;
                Ok(true)
            }
            // A second EBML stream or Segment (chained files) is not read.
            ids::EBML | ids::SEGMENT => Ok(false),
            id => {
                self.pos = element.end().ok_or_else(|| malformed(format!("top-level element 0x{id:X} has an unknown size")))?;
                Ok(true)
            }
        }
    }
}

fn block_header(reader: &mut Reader, element: &Element) -> Result<BlockHeader, ContainerError> {
    let size = element.size.unwrap_or(0);
    let bytes = reader.peek(element.data, MAX_BLOCK_HEADER.min(size as usize))?;
    parse_block_header(bytes)
}

fn block_ref(cluster_time: u64, header: BlockHeader, keyframe: bool, element: &Element) -> BlockRef {
    let base = i64::try_from(cluster_time).unwrap_or(i64::MAX);
    BlockRef {
        header,
        time: base.saturating_add(i64::from(header.relative_time)),
        keyframe,
        data: element.data,
        size: element.size.unwrap_or(0),
        duration: None,
        discard_padding_ns: 0,
    }
}

/// Reads the children of a BlockGroup; `None` when it holds no Block.
fn read_block_group(reader: &mut Reader, group: &Element, cluster_time: u64) -> Result<Option<BlockRef>, ContainerError> {
    let end = group.end().unwrap_or(group.data);
    let mut pos = group.data;
    let (mut block, mut duration, mut referenced, mut discard) = (None, None, false, 0);
    while pos < end {
        let child = reader.element(pos)?;
        let child_end = child.end().filter(|&e| e <= end).ok_or_else(|| malformed("a BlockGroup child runs past the group"))?;
        match child.id {
            ids::BLOCK => block = Some((block_header(reader, &child)?, child)),
            ids::BLOCK_DURATION => duration = Some(uint(&reader.payload(&child, "BlockDuration")?)?),
            ids::REFERENCE_BLOCK => referenced = true,
            ids::DISCARD_PADDING => discard = int(&reader.payload(&child, "DiscardPadding")?)?,
            _ => {}
        }
        pos = child_end;
    }
    Ok(block.map(|(header, element)| BlockRef {
        duration,
        discard_padding_ns: discard,
        ..block_ref(cluster_time, header, !referenced, &element)
    }))
}
