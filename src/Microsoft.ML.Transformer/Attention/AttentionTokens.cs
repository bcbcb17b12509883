using System.Text;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Attention;

/// <summary>
/// Token labels for attention pictures, from <see cref="TextTokenizer.IdToToken"/> made readable: byte-level BPE
/// tokens (GPT-2's printable byte alphabet, where a space is 'Ġ') are turned back into their text; then a space is
/// shown as '▁' (as SentencePiece writes it), a line break as '↵' and a tab as '⇥', so "Ġanimal" reads "▁animal".
/// Bytes that are only part of a UTF-8 character are written as &lt;0xE2&gt;. Special tokens keep their names ([CLS]).
/// </summary>
internal static class AttentionTokens
{
    /// <summary>What a space looks like in a label.</summary>
    public const char Space = '▁';

    private static readonly Dictionary<char, byte> ByteOfChar = BuildByteMap();

    public static string[] Readable(TextTokenizer tokenizer, ReadOnlySpan<int> ids)
    {
        var labels = new string[ids.Length];
        for (int i = 0; i < ids.Length; i++) labels[i] = Readable(tokenizer, ids[i]);
        return labels;
    }

    public static string Readable(TextTokenizer tokenizer, int id)
    {
        string token = tokenizer.IdToToken(id);
        if (SpecialTokens.IsSpecial(id)) return token;
        return ShowWhitespace(tokenizer is ByteLevelBpeTokenizer ? FromByteAlphabet(token) : token);
    }

    /// <summary>GPT-2 alphabet → bytes → text; bytes that do not form a whole UTF-8 character become &lt;0xNN&gt;.</summary>
    internal static string FromByteAlphabet(string token)
    {
        var bytes = new byte[token.Length];
        for (int i = 0; i < token.Length; i++)
        {
            if (!ByteOfChar.TryGetValue(token[i], out bytes[i])) return token;   // not in the byte alphabet: leave it
        }
        var text = new StringBuilder();
        ReadOnlySpan<byte> rest = bytes;
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(rest, out Rune rune, out int used) == System.Buffers.OperationStatus.Done)
            {
                text.Append(rune.ToString());
                rest = rest[used..];
            }
            else
            {
                text.Append($"<0x{rest[0]:X2}>");
                rest = rest[1..];
            }
        }
        return text.ToString();
    }

    private static string ShowWhitespace(string text)
    {
        var shown = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            shown.Append(c switch
            {
                ' ' => Space.ToString(),
                '\n' => "↵",
                '\r' => "␍",
                '\t' => "⇥",
                _ when char.IsControl(c) => $"<0x{(int)c:X2}>",
                _ => c.ToString(),
            });
        }
        return shown.ToString();
    }

    private static Dictionary<char, byte> BuildByteMap()
    {
        var map = new Dictionary<char, byte>(256);
        for (int b = 0; b < 256; b++) map[ByteLevelAlphabet.Map((byte)b)] = (byte)b;
        return map;
    }
}
