"""The file sources (parquet, CSV) typed in this process: what a cached function was typed
against, re-derived from the files when it is loaded (see ``hpjit.cache``)."""


#: repr of (kind, arguments) → (kind, arguments, frame type as text) of each file source
#: typed in this process (arguments may hold lists, as ``usecols=`` does: keyed by their repr)
_SOURCES = {}


def note_source(kind, args, frame_type):
    """Record that compiled code was typed against a file source (see ``hpjit.cache``)."""
    _SOURCES[repr((kind, args))] = (kind, args, str(frame_type))


def typed_sources():
    """(kind, arguments, frame type as text) of each source typed so far, in a fixed order."""
    return tuple(_SOURCES[k] for k in sorted(_SOURCES))
