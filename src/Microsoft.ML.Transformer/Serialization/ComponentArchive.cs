using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Transformer.Serialization;

/// <summary>
/// The one save/load mechanism of our components inside an ML.NET model zip. A component hands over a config record
/// and its named tensors; in its folder of the zip this writes
/// <c>config.json</c> (library, component kind, format version, content hash, config) and <c>tensors.safetensors</c>.
/// Loading validates everything, the content hash and finite weights included, and reports problems as <see cref="ModelFormatException"/>s naming the culprit.
/// See docs/save-format.md.
/// </summary>
internal static class ComponentArchive
{
    public const string ConfigEntry = "config.json";
    public const string TensorsEntry = "tensors.safetensors";
    public const string LibraryName = "Microsoft.ML.Transformer";

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = true,
    };

    internal static string LibraryVersion { get; } =
        typeof(ComponentArchive).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "unknown";

    /// <param name="config">The component's config record, serialized as its own type (a model transformer holds it
    /// through an interface).</param>
    public static void Save(ModelSaveContext ctx, ComponentFormat format, object config, IReadOnlyCollection<TensorData> tensors)
    {
        // Serialize completely before writing anything, so a failure cannot leave half a component in the zip.
        JsonNode configNode = JsonSerializer.SerializeToNode(config, config.GetType(), Json)!;
        byte[] tensorBytes = SafeTensors.Write(tensors, new Dictionary<string, string>
        {
            ["component"] = format.Kind,
            ["formatVersion"] = format.CurrentVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var envelope = new JsonObject
        {
            ["library"] = LibraryName,
            ["libraryVersion"] = LibraryVersion,
            ["component"] = format.Kind,
            ["formatVersion"] = format.CurrentVersion,
            [ContentHash.Property] = ContentHash.Compute(configNode, tensorBytes),
            ["config"] = configNode,
        };
        byte[] configBytes = JsonSerializer.SerializeToUtf8Bytes(envelope, Json);

        ctx.CheckAtModel();
        ctx.SetVersionInfo(format.VersionInfo);
        ctx.SaveBinaryStream(ConfigEntry, w => w.Write(configBytes));
        ctx.SaveBinaryStream(TensorsEntry, w => w.Write(tensorBytes));
    }

    public static SavedComponent<TConfig> Load<TConfig>(ModelLoadContext ctx, ComponentFormat format)
    {
        ctx.CheckAtModel(format.VersionInfo);
        string where = $"{format.Kind} component in model folder '{(string.IsNullOrEmpty(ctx.Directory) ? "/" : ctx.Directory)}'";

        byte[] configBytes = ReadEntry(ctx, ConfigEntry, where);
        JsonObject envelope;
        try
        {
            envelope = JsonNode.Parse(configBytes) as JsonObject
                ?? throw new ModelFormatException($"{where}: {ConfigEntry} is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"{where}: {ConfigEntry} is not valid JSON ({e.Message}). The model file is corrupt.", e);
        }

        string? component = Read<string>(envelope, "component", where);
        if (component != format.Kind)
            throw new ModelFormatException($"{where}: {ConfigEntry} describes a '{component}' component, not '{format.Kind}'.");
        int version = Read<int>(envelope, "formatVersion", where);
        if (version > format.CurrentVersion)
            throw new ModelFormatException(
                $"{where} was saved in format version {version} by {LibraryName} {envelope["libraryVersion"]?.ToString() ?? "(unknown version)"}; " +
                $"this is {LibraryName} {LibraryVersion}, which reads {format.Kind} format versions up to {format.CurrentVersion}. " +
                "Upgrade the Microsoft.ML.Transformer package to load this model.");
        if (version < 1) throw new ModelFormatException($"{where}: formatVersion {version} is invalid.");

        byte[] tensorBytes = ReadEntry(ctx, TensorsEntry, where);
        var (tensors, _) = SafeTensors.Read(tensorBytes, $"{where}: {TensorsEntry}");
        ContentHash.Verify(envelope, tensorBytes, where);
        NonFiniteValues.Reject(tensors, where);

        TConfig config;
        try
        {
            config = envelope["config"].Deserialize<TConfig>(Json)
                ?? throw new ModelFormatException($"{where}: {ConfigEntry} has no 'config'.");
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"{where}: {ConfigEntry} has an invalid 'config' ({e.Message}).", e);
        }

        return new SavedComponent<TConfig>(config, version, new TensorSet(tensors, where), where);
    }

    private static T Read<T>(JsonObject envelope, string property, string where)
    {
        try
        {
            return envelope[property] is JsonNode node ? node.GetValue<T>()
                : throw new ModelFormatException($"{where}: {ConfigEntry} lacks '{property}'.");
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new ModelFormatException($"{where}: '{property}' in {ConfigEntry} has the wrong type.", e);
        }
    }

    private static byte[] ReadEntry(ModelLoadContext ctx, string entry, string where)
    {
        byte[]? bytes = null;
        try
        {
            if (!ctx.TryLoadBinaryStream(entry, reader =>
                {
                    using var copy = new MemoryStream();
                    reader.BaseStream.CopyTo(copy);
                    bytes = copy.ToArray();
                }))
                throw new ModelFormatException($"{where}: entry '{entry}' is missing; the model file is incomplete or was not written by {LibraryName}.");
        }
        catch (InvalidDataException e)
        {
            throw new ModelFormatException($"{where}: entry '{entry}' cannot be read ({e.Message}); the model file is corrupt.", e);
        }
        return bytes!;
    }
}
