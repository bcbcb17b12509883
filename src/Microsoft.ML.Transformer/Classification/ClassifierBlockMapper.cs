using System.Runtime.InteropServices;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Scoring;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Classification;

/// <summary>A <see cref="TransformerClassifierTransformer"/> bound to an input schema: scores blocks of rows in one model call.</summary>
internal sealed class ClassifierBlockMapper : TokenColumnBlockMapper
{
    private readonly TransformerClassifierTransformer _parent;

    public ClassifierBlockMapper(TransformerClassifierTransformer parent, IHost host, DataViewSchema inputSchema)
        : base(host, inputSchema, parent.TokensColumnName, parent.VocabularySize, parent.Config.VocabularyFingerprint)
    {
        _parent = parent;
        ClassifierConfig config = parent.Config;
        OutputColumns = ClassifierOutputColumns.Create(config.Kind, config.ClassCount, config.ClassNames, config.ClassValueKind, inputSchema);
    }

    public override DataViewSchema.DetachedColumn[] OutputColumns { get; }

    public override IBlockComputation CreateComputation(DataViewRow input, int capacity) => new Computation(this, input, capacity);

    /// <summary>Per cursor: the block's token ids and its outputs (the head's logits, then probabilities). A block is
    /// scored in sub-batches of rows of similar length, so that short rows are not padded to the block's longest.</summary>
    private sealed class Computation : IBlockComputation
    {
        private readonly TransformerClassifierModel _model;
        private readonly Device _device;
        private readonly bool _binary;
        private readonly int _outputs;
        private readonly TokenBlock _tokens;
        private readonly float[] _logits, _probabilities;
        private readonly LengthSortedSubBatches _subBatches;

        public Computation(ClassifierBlockMapper mapper, DataViewRow input, int capacity)
        {
            _model = mapper._parent.Model;
            _device = _model.Device();
            ClassifierConfig config = mapper._parent.Config;
            _binary = config.Kind == ClassifierKind.Binary;
            _outputs = config.Outputs;
            TransformerConfig model = config.Model;
            _tokens = new TokenBlock(mapper.Host, input, mapper.Tokens, capacity, model.SourceVocabularySize, model.MaxLength, model.PaddingId);
            _logits = new float[capacity * _outputs];
            _probabilities = new float[capacity * _outputs];
            _subBatches = new LengthSortedSubBatches(capacity);
        }

        public void Load(int slot) => _tokens.Load(slot);

        public void Compute(int count) => _subBatches.ForEach(_tokens, count, _device, (ids, slots) =>
        {
            Tensor logits = _model.Forward(ids);                                             // [rows, outputs]
            Tensor probabilities = _binary ? logits.sigmoid() : logits.softmax(-1);
            Scatter(logits, slots, _logits);
            Scatter(probabilities, slots, _probabilities);
        });

        /// <summary>Copies row i of <paramref name="values"/> to the output slot <paramref name="slots"/>[i].</summary>
        private void Scatter(Tensor values, ReadOnlySpan<int> slots, float[] target)
        {
            ReadOnlySpan<float> rows = MemoryMarshal.Cast<byte, float>(values.cpu().contiguous().bytes);
            for (int i = 0; i < slots.Length; i++) rows.Slice(i * _outputs, _outputs).CopyTo(target.AsSpan(slots[i] * _outputs, _outputs));
        }

        public Delegate MakeGetter(int output, Func<int> slot)
        {
            if (_binary)
            {
                return output switch
                {
                    0 => (ValueGetter<float>)((ref float value) => value = _logits[slot()]),
                    1 => (ValueGetter<float>)((ref float value) => value = _probabilities[slot()]),
                    _ => (ValueGetter<bool>)((ref bool value) => value = _logits[slot()] > 0),
                };
            }
            if (output == 0)
            {
                return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                {
                    var editor = VBufferEditor.Create(ref value, _outputs);
                    _probabilities.AsSpan(slot() * _outputs, _outputs).CopyTo(editor.Values);
                    value = editor.Commit();
                });
            }
            return (ValueGetter<uint>)((ref uint value) =>
            {
                ReadOnlySpan<float> row = _probabilities.AsSpan(slot() * _outputs, _outputs);
                int best = 0;
                for (int i = 1; i < row.Length; i++) if (row[i] > row[best]) best = i;
                value = (uint)best + 1;
            });
        }

        public void Dispose() { }
    }
}
