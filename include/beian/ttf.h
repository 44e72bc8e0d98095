/*
 * beian/ttf.h - rewriting TrueType bytes: rescaling a per-document subset to fewer units
 * per em, so that its glyph data compresses better in the PDF.
 *
 * Works on the bytes hb-subset produces (or any TrueType font with glyf outlines); the
 * result is a complete font the PDF backend embeds in place of the input.
 */
#ifndef BEIAN_TTF_H
#define BEIAN_TTF_H

#include <stddef.h>

#include "beian/common.h"

/*
 * Rescales a TrueType (glyf) font to new_upem units per em, rounding every coordinate
 * (to the nearest unit, halves up):
 *
 *   glyf   simple glyphs re-encoded with the smallest flags (short vectors, "same" bits,
 *          repeat flags); consecutive points of a contour that rounding makes equal are
 *          removed where that leaves the outline exactly as it was, and a contour keeps at
 *          least min(its points, 3). Composite glyphs: component offsets scaled, scale
 *          matrices unchanged. Instructions are dropped (instructionLength 0).
 *   loca   short format when the new glyph data allows it; head.indexToLocFormat set.
 *   head   unitsPerEm; the font bbox recomputed from the new glyphs.
 *   hhea   ascender, descender, lineGap, caretOffset scaled; advanceWidthMax,
 *          minLeftSideBearing, minRightSideBearing and xMaxExtent recomputed.
 *   hmtx   advances and left side bearings scaled (an advance that was an exact multiple
 *          stays exact: 256 of 256 becomes 128 of 128).
 *   OS/2   every field in font units (xAvgCharWidth, sub/superscript, strikeout, typo and
 *          win metrics, sxHeight, sCapHeight).
 *   post   underlinePosition and underlineThickness.
 *   maxp   maxPoints, maxContours, maxCompositePoints, maxCompositeContours recomputed,
 *          maxSizeOfInstructions 0.
 *   fpgm, prep, cvt and DSIG are dropped (no hinting is left; a signature would be stale).
 *   Every other table is copied unchanged, and every checksum and head.checkSumAdjustment
 *   is recomputed.
 *
 * Returns BEIAN_EDATA, and the caller keeps its original bytes, when new_upem is not below
 * the font's unitsPerEm (or below 16, the smallest the spec allows) and whenever the input
 * cannot be parsed with certainty: CFF outlines, a font collection, truncated tables,
 * offsets out of range, malformed glyphs, or tables that hold font-unit values this module
 * does not rescale (kern, GPOS, GDEF, vhea/vmtx, variation tables, ...). BEIAN_EINTERNAL
 * when memory runs out. Never reads outside font[0..len).
 *
 * Borrows font; on BEIAN_OK *out is malloc'd and owned by the caller (*out_len bytes).
 * On failure *out is NULL and *out_len 0.
 */
int beian_ttf_rescale(const unsigned char *font, size_t len, unsigned new_upem, unsigned char **out,
                      size_t *out_len);

/*
 * The font bounding box of the TrueType font[0..len) from its head table, in 1/1000 em,
 * rounded outward (xMin, yMin, xMax, yMax). BEIAN_EDATA when there is no sound head table.
 */
int beian_ttf_bbox(const unsigned char *font, size_t len, int bbox[4]);

#endif
