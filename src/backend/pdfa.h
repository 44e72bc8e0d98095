/*
 * pdfa.h - what the two files of the PDF backend share: pdfa.c makes the bytes that turn a
 * document into PDF/A-1b (ISO 19005-1), pdf.c writes them as objects through libharu. No
 * libharu type appears here: pdf.c is the only file that includes hpdf.h. Private to
 * src/backend.
 */
#ifndef BEIAN_PDFA_H
#define BEIAN_PDFA_H

#include <stddef.h>

#include "beian/dlist.h"
#include "sha256.h"
#include "util.h"

/* Room for the ICC profile (the one pdfa.c builds is 480 bytes). */
#define BEIAN_PDFA_ICC_MAX 512
/* The output condition the profile describes (OutputConditionIdentifier and Info). */
#define BEIAN_PDFA_CONDITION "sRGB IEC61966-2.1"

/* The parts of the archival layer, each ready to be written as it is. */
typedef struct {
    char creator[64];       /* /Creator and xmp:CreatorTool: "beian <version>" */
    char producer[96];      /* /Producer and pdf:Producer, with libharu's version */
    char pdf_date[32];      /* /CreationDate and /ModDate, "" when the document has no date */
    beian_buf title;        /* /Title as a PDF text string: UTF-16BE with its byte order mark */
    beian_buf xmp;          /* the XMP packet; PDF/A-1 6.7.2: its stream is not filtered */
    unsigned char icc[BEIAN_PDFA_ICC_MAX]; /* the sRGB profile of the output intent */
    size_t icc_len;
    unsigned char id[16];   /* both halves of the trailer's /ID */
} beian_pdfa;

/*
 * Makes the parts for dl: the metadata from its title and date, the profile, and the /ID
 * from content, a SHA-256 context into which pdf.c fed everything the document prints
 * (finished here, not freed). Call after the pages are drawn. Returns BEIAN_OK or
 * BEIAN_EINTERNAL; release a with beian_pdfa_release either way.
 */
int beian_pdfa_make(beian_pdfa *a, const beian_dlist *dl, const char *libharu_version,
                    beian_sha256_ctx *content);
void beian_pdfa_release(beian_pdfa *a);

#endif
