/*
 * qrsvg.h — a QR code as inline SVG, for the two-factor enrolment page.
 */
#ifndef PT_QRSVG_H
#define PT_QRSVG_H

#include <stddef.h>

/* Longest text accepted (an otpauth:// URI is ~150 bytes). */
#define PT_QR_TEXT_MAX   1024
/* Pixels per module of the SVG's intrinsic size; CSS may resize it. */
#define PT_QR_MODULE_PX  5
/* Light modules around the symbol, as ISO/IEC 18004 requires. */
#define PT_QR_QUIET      4

/*
 * text (NUL-terminated, 1..PT_QR_TEXT_MAX bytes) as a QR code (error
 * correction level M, 8-bit mode) in a self-contained SVG document:
 *
 *   <svg xmlns=… viewBox="0 0 W W" width=… height=… role="img"
 *        aria-label="QR code" shape-rendering="crispEdges">
 *     <rect width="W" height="W" fill="#fff"/><path fill="#000" d="…"/></svg>
 *
 * W counts modules including a 4-module quiet zone; one unit is one module.
 * Presentation attributes only, no style attribute or element, so it passes
 * a CSP without 'unsafe-inline'.  The same text always gives the same bytes.
 * malloc'd (free it); NULL on bad input or failure (logged).  The page must
 * offer the text another way too (the base32 secret): the SVG has no text.
 */
char *pt_qr_svg(const char *text);

#endif /* PT_QRSVG_H */
