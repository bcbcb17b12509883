using System.Security.Cryptography;
using System.Text;

namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>
/// The identity of a vocabulary: SHA-256 of its tokens in id order. Two vocabularies of the same size give a model the
/// same number of ids but different meanings (a BPE trained on other text, another checkpoint's vocab.txt); the token
/// column records this (<see cref="TokenColumnAnnotations.VocabularyFingerprint"/>) and a model trained on one refuses
/// ids of the other, where comparing sizes alone would score nonsense.
/// </summary>
internal static class VocabularyFingerprint
{
    private const string Algorithm = "sha256:";

    public static string Of(TextTokenizer tokenizer)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (int id = 0; id < tokenizer.VocabularySize; id++)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(tokenizer.IdToToken(id)));
            sha.AppendData("\n"u8);    // a separator, so that ["ab", "c"] and ["a", "bc"] differ
        }
        return Algorithm + Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
