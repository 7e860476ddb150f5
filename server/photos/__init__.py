"""Photo processing: validate an uploaded phone photo and make clean display/thumbnail JPEGs."""

from server.photos.pipeline import PhotoLimits, PhotoRejected, ProcessedPhoto, process_photo

__all__ = ["PhotoLimits", "PhotoRejected", "ProcessedPhoto", "process_photo"]
