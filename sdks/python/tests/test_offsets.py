import pytest

from kivo import index_to_utf16, utf16_slice, utf16_to_index

# "📦" is one Python character but two UTF-16 code units, as Kivo counts them.
OUTPUT = "📦 Refunds within 60 days, 🚚 shipping in 2."


def test_a_claim_after_an_emoji_is_sliced_where_kivo_says():
    start, end = 3, 3 + len("Refunds within 60 days")  # as Kivo reports them: the emoji is two units
    assert utf16_slice(OUTPUT, start, end) == "Refunds within 60 days"
    assert OUTPUT[start:end] != "Refunds within 60 days"


def test_offsets_after_two_emoji_shift_by_two():
    index = OUTPUT.index("shipping")
    assert index_to_utf16(OUTPUT, index) == index + 2
    assert utf16_to_index(OUTPUT, index + 2) == index


def test_text_without_astral_characters_is_unchanged():
    text = "Café naïve — 30 days"
    assert [utf16_to_index(text, offset) for offset in range(len(text) + 1)] == list(range(len(text) + 1))


def test_an_offset_inside_a_character_or_past_the_end_is_refused():
    with pytest.raises(ValueError, match="inside"):
        utf16_to_index(OUTPUT, 1)
    with pytest.raises(ValueError, match="past the end"):
        utf16_to_index("abc", 4)
    assert utf16_to_index("abc", 3) == 3
