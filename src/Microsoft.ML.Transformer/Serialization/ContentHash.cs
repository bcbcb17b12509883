using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microsoft.ML.Transformer.Serialization;

/// <summary>
/// The SHA-256 a component records in its <c>config.json</c> envelope (<c>"contentHash": "sha256:…"</c>) over what it
/// saved: its <c>config</c> object and the bytes of its <c>tensors.safetensors</c>. A zip's CRC does not help once an
/// entry is rewritten, and an edited config can keep every tensor shape yet change every score (heads 4 → 8), so both
/// are covered. Files written before the hash existed have none and load unverified. See docs/save-format.md.
/// </summary>
internal static class ContentHash
{
    public const string Property = "contentHash";
    private const string Algorithm = "sha256:";

    // The config is hashed as compact JSON written from its node: the same bytes whether the node was serialized
    // from the record (save) or parsed from the indented file (load), since parsed numbers keep their text and
    // strings are re-escaped by the same encoder.
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static string Compute(JsonNode config, byte[] tensorBytes)
    {
        byte[] configBytes = JsonSerializer.SerializeToUtf8Bytes(config, Compact);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)configBytes.Length); // where the config ends
        sha.AppendData(length);
        sha.AppendData(configBytes);
        sha.AppendData(tensorBytes);
        return Algorithm + Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>Checks the recorded hash, if any, against what was read.</summary>
    public static void Verify(JsonObject envelope, byte[] tensorBytes, string where)
    {
        if (envelope[Property] is not JsonNode recorded) return; // saved before hashes existed
        string? text = recorded.GetValueKind() == JsonValueKind.String ? recorded.GetValue<string>() : null;
        if (text is null || !text.StartsWith(Algorithm, StringComparison.Ordinal) || text.Length != Algorithm.Length + 64)
            throw new ModelFormatException($"{where}: '{Property}' in {ComponentArchive.ConfigEntry} is not a '{Algorithm}' followed by 64 hex digits.");
        if (envelope["config"] is not JsonNode config) return; // reported as a missing config
        if (!string.Equals(Compute(config, tensorBytes), text, StringComparison.OrdinalIgnoreCase))
            throw new ModelFormatException(
                $"{where}: the content hash does not match: {ComponentArchive.ConfigEntry}'s config or {ComponentArchive.TensorsEntry} " +
                "changed after the model was saved (disk or transfer damage, or an edit). The model file is corrupt; save or copy it again.");
    }
}
