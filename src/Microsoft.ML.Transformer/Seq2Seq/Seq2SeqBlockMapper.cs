using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Scoring;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Seq2Seq;

/// <summary>A <see cref="SequenceToSequenceTransformer"/> bound to an input schema: decodes blocks of rows, sorted by
/// source length into sub-batches so that short sources are not padded to the block's longest.</summary>
internal sealed class Seq2SeqBlockMapper : TokenColumnBlockMapper
{
    private readonly SequenceToSequenceTransformer _parent;

    public Seq2SeqBlockMapper(SequenceToSequenceTransformer parent, IHost host, DataViewSchema inputSchema)
        : base(host, inputSchema, parent.SourceTokensColumnName, parent.SourceVocabularySize)
    {
        _parent = parent;
        Seq2SeqConfig config = parent.Config;
        OutputColumns = Seq2SeqOutputColumns.Create(config.OutputColumnName, config.PredictedTokensColumnName, config.ScoreColumnName);
    }

    public override DataViewSchema.DetachedColumn[] OutputColumns { get; }

    public override IBlockComputation CreateComputation(DataViewRow input, int capacity) => new Computation(this, input, capacity);

    private sealed class Computation : IBlockComputation
    {
        private readonly SequenceToSequenceTransformer _parent;
        private readonly Device _device;
        private readonly TokenBlock _sources;
        private readonly DecodedSequence[] _decoded;
        private readonly string?[] _texts;
        private readonly LengthSortedSubBatches _subBatches;

        public Computation(Seq2SeqBlockMapper mapper, DataViewRow input, int capacity)
        {
            _parent = mapper._parent;
            _device = _parent.Model.Device();
            Seq2SeqConfig config = _parent.Config;
            _sources = new TokenBlock(mapper.Host, input, mapper.Tokens, capacity, config.Model.SourceVocabularySize, config.SourceMaxLength,
                config.Model.PaddingId, truncate: true);
            _decoded = new DecodedSequence[capacity];
            _texts = new string?[capacity];
            _subBatches = new LengthSortedSubBatches(capacity);
        }

        public void Load(int slot) => _sources.Load(slot);

        public void Compute(int count)
        {
            Array.Clear(_texts, 0, count);
            _subBatches.ForEach(_sources, count, _device, (ids, slots) =>
            {
                DecodedSequence[] decoded = _parent.DecodeIds(ids);
                for (int i = 0; i < slots.Length; i++) _decoded[slots[i]] = decoded[i];
            });
        }

        public Delegate MakeGetter(int output, Func<int> slot) => output switch
        {
            0 => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = Text(slot()).AsMemory()),
            1 => (ValueGetter<VBuffer<int>>)((ref VBuffer<int> value) =>
            {
                int[] tokens = _decoded[slot()].Tokens;
                var editor = VBufferEditor.Create(ref value, tokens.Length);
                tokens.CopyTo(editor.Values);
                value = editor.Commit();
            }),
            _ => (ValueGetter<float>)((ref float value) => value = _decoded[slot()].LogProbability),
        };

        /// <summary>The decoded text, made once per row when first read.</summary>
        private string Text(int slot) => _texts[slot] ??= _parent.TargetTokenizer.Decode(_decoded[slot].Tokens);

        public void Dispose() { }
    }
}
