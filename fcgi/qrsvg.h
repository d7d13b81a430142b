/*
 * qrsvg.h — a QR code as inline SVG, for the two-factor enrolment page.
 */
#ifndef PT_QRSVG_H
#define PT_QRSVG_H

#include "portal.h"   /* the public half of this subsystem */

#include <stddef.h>

/* Pixels per module of the SVG's intrinsic size; CSS may resize it. */
#define PT_QR_MODULE_PX  5
/* Light modules around the symbol, as ISO/IEC 18004 requires. */
#define PT_QR_QUIET      4


#endif /* PT_QRSVG_H */
