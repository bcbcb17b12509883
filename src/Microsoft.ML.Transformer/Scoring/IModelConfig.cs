using Microsoft.ML.Transformer.Modules;

namespace Microsoft.ML.Transformer.Scoring;

/// <summary>What every model component's config record (its <c>config.json</c>) has, whatever its task adds.</summary>
internal interface IModelConfig
{
    /// <summary>The network's shape; the network is rebuilt from it on load.</summary>
    TransformerConfig Model { get; }

    /// <summary>Rows computed per model call when transforming a data view.</summary>
    int BlockSize { get; }
}
