/**
 * Non-fatal findings of the parser, returned to the uploader so that nothing is changed silently
 * (a dropped repeat, an extracted caption, a wall time shifted out of a DST gap...).
 */
export type DiagnosticCode =
  | 'title_repeat_dropped'
  | 'duplicate_paragraph_dropped'
  | 'caption_extracted'
  | 'dst_gap_shifted'
  | 'dst_overlap_earlier_offset'
  | 'html_converted'
  | 'title_line_in_body_dropped';

export interface Diagnostic {
  code: DiagnosticCode;
  message: string;
}
