using Microsoft.ML.Runtime;

namespace Microsoft.ML.Transformer.Serialization;

/// <summary>
/// Identity of one savable component kind: the names ML.NET uses to find its loader, and the version of our own
/// JSON + tensors format. ML.NET's binary version stays fixed; upgrades are handled by <see cref="CurrentVersion"/>.
/// </summary>
/// <param name="Kind">Component name written in the config, e.g. "Tokenizer".</param>
/// <param name="ModelSignature">ML.NET model signature: exactly 8 ASCII characters.</param>
/// <param name="LoaderSignature">ML.NET loader signature named in the LoadableClass attribute.</param>
/// <param name="CurrentVersion">Format version this library writes; it reads every version up to this one.</param>
/// <param name="ComponentType">The transformer type; its assembly is recorded so ML.NET loads it without registration.</param>
internal sealed record ComponentFormat(string Kind, string ModelSignature, string LoaderSignature, int CurrentVersion, Type ComponentType)
{
    // Fixed forever: our own versioning lives in config.json, where it can produce a clear message.
    private const uint MLNetVersion = 0x00010001;

    public VersionInfo VersionInfo => new(
        modelSignature: ModelSignature,
        verWrittenCur: MLNetVersion,
        verReadableCur: MLNetVersion,
        verWeCanReadBack: MLNetVersion,
        loaderSignature: LoaderSignature,
        loaderAssemblyName: ComponentType.Assembly.FullName);
}
