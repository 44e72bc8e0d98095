/*
 * array.c - overflow-checked growth for the library's growable arrays (array.h); owners keep
 * their items, count and capacity. The layers from util up to backend grow every list
 * through it (the TrueType rescaler's per-glyph scratch, ttf_glyf.c, is sized exactly to a
 * glyph's at most 65 536 points, not grown).
 */
#include "array.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "beian/common.h"

int beian_array_grow(void *items_ptr, size_t *cap, size_t need, size_t item_size)
{
    if (need <= *cap) {
        return BEIAN_OK;
    }
    if (item_size == 0) {
        return BEIAN_EINTERNAL;
    }
    size_t new_cap = *cap ? *cap : BEIAN_ARRAY_MIN_CAP;
    while (new_cap < need) {
        new_cap = new_cap > SIZE_MAX / 2 ? need : new_cap * 2;
    }
    if (new_cap > SIZE_MAX / item_size) {
        new_cap = need; /* doubling overflows; the exact need may still fit */
        if (new_cap > SIZE_MAX / item_size) {
            return BEIAN_EINTERNAL;
        }
    }
    void *items;
    memcpy(&items, items_ptr, sizeof items);
    void *grown = realloc(items, new_cap * item_size);
    if (!grown) {
        return BEIAN_EINTERNAL;
    }
    memcpy(items_ptr, &grown, sizeof grown);
    *cap = new_cap;
    return BEIAN_OK;
}
