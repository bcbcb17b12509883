namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>
/// GPT-2's printable stand-in for each byte: bytes that are visible Latin-1 characters map to themselves, the rest
/// (space, controls, ...) to U+0100 onwards, so a space becomes 'Ġ'. Microsoft.ML.Tokenizers' byte-level BPE
/// expects vocabulary and merges written in this alphabet.
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = Build();

    public static char Map(byte b) => ByteToChar[b];

    private static char[] Build()
    {
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= '¡' and <= '¬' or >= '®' and <= 'ÿ';
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }
}
