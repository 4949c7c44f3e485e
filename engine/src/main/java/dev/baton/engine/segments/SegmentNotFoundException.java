package dev.baton.engine.segments;

import dev.baton.engine.web.NotFoundException;

/** No segment with that id. */
class SegmentNotFoundException extends NotFoundException {
    SegmentNotFoundException(String id) {
        super("segment-not-found", "Segment not found", "no segment with id '" + id + "'");
    }
}
