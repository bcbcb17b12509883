using System.Runtime.InteropServices;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Scoring;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Embedding;

/// <summary>An <see cref="EmbeddingTransformer"/> bound to an input schema: embeds blocks of rows in one model call.</summary>
internal sealed class EmbeddingBlockMapper : TokenColumnBlockMapper
{
    private readonly EmbeddingTransformer _parent;

    public EmbeddingBlockMapper(EmbeddingTransformer parent, IHost host, DataViewSchema inputSchema)
        : base(host, inputSchema, parent.InputColumnName, parent.VocabularySize, parent.Config.VocabularyFingerprint)
    {
        _parent = parent;
        OutputColumns = [new DataViewSchema.DetachedColumn(parent.OutputColumnName, parent.OutputType)];
    }

    public override DataViewSchema.DetachedColumn[] OutputColumns { get; }

    public override IBlockComputation CreateComputation(DataViewRow input, int capacity) => new Computation(this, input, capacity);

    private sealed class Computation : IBlockComputation
    {
        private readonly EmbeddingTransformer _parent;
        private readonly TokenBlock _tokens;
        private readonly float[] _outputs;
        private readonly int _rowSize;

        public Computation(EmbeddingBlockMapper mapper, DataViewRow input, int capacity)
        {
            _parent = mapper._parent;
            TransformerConfig config = _parent.Model.Config;
            _tokens = new TokenBlock(mapper.Host, input, mapper.Tokens, capacity, config.SourceVocabularySize, config.MaxLength, config.PaddingId);
            _rowSize = _parent.OutputType.Size;
            _outputs = new float[capacity * _rowSize];
        }

        public void Load(int slot) => _tokens.Load(slot);

        public void Compute(int count)
        {
            using var scope = NewDisposeScope();
            using var inference = no_grad();
            Tensor ids = _tokens.ToTensor(count);                                     // [count, L]
            var (hidden, _) = _parent.Model.Forward(ids);                             // [count, L, d_model]
            Tensor isToken = ids.ne(KeptScalars.Of(_parent.Model.Config.PaddingId));
            Tensor result = _parent.Pooling == EmbeddingPooling.Mean
                ? Pooling.Mean(hidden, isToken)                                       // [count, d_model]
                : hidden.mul(isToken.unsqueeze(-1));                                  // padding positions → 0
            if (_parent.Normalize)                                                    // zero vectors (padding) stay zero
                result = nn.functional.normalize(result, p: 2, dim: -1);
            Span<float> values = MemoryMarshal.Cast<byte, float>(result.contiguous().bytes);
            int computedRowSize = (int)(values.Length / count);                       // L·d_model or d_model
            for (int row = 0; row < count; row++)
            {
                Span<float> target = _outputs.AsSpan(row * _rowSize, _rowSize);
                values.Slice(row * computedRowSize, computedRowSize).CopyTo(target);
                target[computedRowSize..].Clear();                                     // positions beyond the block's longest row
            }
        }

        public Delegate MakeGetter(int output, Func<int> slot)
            => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> destination) =>
            {
                var editor = VBufferEditor.Create(ref destination, _rowSize);
                _outputs.AsSpan(slot() * _rowSize, _rowSize).CopyTo(editor.Values);
                destination = editor.Commit();
            });

        public void Dispose() { }
    }
}
