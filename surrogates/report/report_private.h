/* Private to surrogates/: the bitmap font of the figures. */
#ifndef REPORT_PRIVATE_H
#define REPORT_PRIVATE_H

/* Characters 32..126; row r of character c is FFFont5x7[c - 32][r], bit 4 leftmost. */
extern const unsigned char FFFont5x7[95][7];

#endif
