# PyTorch reference of the library's MLM pretraining recipe (pre-LN BERT-mini, BERT's head tied to the embedding) on
# word tokens of IMDb's unlabelled reviews; prints validation masked-token accuracy per epoch (docs/pretraining.md).
# usage: python3 bench/reference/mlm_pretraining_ref.py [data=../shared/data/imdb/unsup.tsv.gz] [docs=5000] [epochs=4] [lr=1e-3] [sched=inv|const] [warmup=300] [dropout=0.1]
#        [scale=true|false (token embedding x sqrt(d_model))] [init=xavier|torch (PyTorch's defaults: embeddings N(0, 1))]
# needs PyTorch (Debian: apt-get install python3-torch; run it with /usr/bin/python3).
import gzip, re, math, random, sys, time, collections
import torch, torch.nn as nn, torch.nn.functional as F
torch.manual_seed(1); random.seed(1); torch.set_num_threads(2)
args = dict(a.split('=', 1) for a in sys.argv[1:])
docs = int(args.get('docs', 5000)); peak = float(args.get('lr', 1e-3)); warm = int(args.get('warmup', 300)); sched = args.get('sched', 'inv')
dropout = float(args.get('dropout', 0.1)); epochs = int(args.get('epochs', 4)); scale = args.get('scale', 'true') == 'true'; init = args.get('init', 'xavier')
texts = []
with gzip.open(args.get('data', '../shared/data/imdb/unsup.tsv.gz'), 'rt') as f:
    f.readline()
    for line in f:
        texts.append(line.split('\t')[0]);
        if len(texts) >= docs: break
tok = lambda t: re.findall(r"\w+|[^\w\s]", re.sub(r'<[^>]+>', ' ', t.lower()))
counts = collections.Counter(w for t in texts for w in tok(t))
specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
vocab = specials + [w for w, _ in counts.most_common(8000 - len(specials))]
ids = {w: i for i, w in enumerate(vocab)}; V = len(vocab)
stream = []
for t in texts: stream += [ids.get(w, 1) for w in tok(t)] + [3]
L, B, d, h, layers = 128, 32, 128, 4, 2
seqs = [[2] + stream[i:i + L - 1] for i in range(0, len(stream) - L + 1, L - 1)]
nval = min(1000, max(1, int(len(seqs) * 0.02))); val, train = seqs[-nval:], seqs[:-nval]
print(f'vocab {V}, tokens {len(stream):,}, train seqs {len(train):,}, val {nval}', flush=True)
def mask(batch, rng):
    x = torch.tensor(batch); y = torch.full_like(x, -100)
    special = x < 5
    chosen = (torch.rand(x.shape, generator=rng) < 0.15) & ~special
    y[chosen] = x[chosen]
    r = torch.rand(x.shape, generator=rng)
    x[chosen & (r < 0.8)] = 4
    rnd = chosen & (r >= 0.8) & (r < 0.9)
    x[rnd] = torch.randint(5, V, x.shape, generator=rng)[rnd]
    return x, y
class Layer(nn.Module):
    def __init__(s):
        super().__init__(); s.n1 = nn.LayerNorm(d); s.att = nn.MultiheadAttention(d, h, batch_first=True); s.n2 = nn.LayerNorm(d)
        s.ff = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d)); s.drop = nn.Dropout(dropout)
    def forward(s, x):
        y = s.n1(x); x = x + s.drop(s.att(y, y, y, need_weights=False)[0]); return x + s.drop(s.ff(s.n2(x)))
class MLM(nn.Module):
    def __init__(s):
        super().__init__(); s.tok = nn.Embedding(V, d); s.pos = nn.Embedding(L, d); s.drop = nn.Dropout(dropout)
        s.layers = nn.ModuleList([Layer() for _ in range(layers)]); s.norm = nn.LayerNorm(d)
        s.dense = nn.Linear(d, d); s.hn = nn.LayerNorm(d); s.bias = nn.Parameter(torch.zeros(V))
    def forward(s, x):
        e = s.tok(x) * (math.sqrt(d) if scale else 1) + s.pos(torch.arange(x.shape[1]))
        z = s.drop(e)
        for l in s.layers: z = l(z)
        return s.norm(z)
    def logits(s, hidden): return s.hn(F.gelu(s.dense(hidden))) @ s.tok.weight.T + s.bias
m = MLM()
if init == 'xavier':
    for n, p in m.named_parameters():
        if p.dim() > 1: nn.init.xavier_uniform_(p)
        elif n.endswith('bias') and 'n1' not in n and 'n2' not in n and 'norm' not in n and 'hn' not in n: nn.init.zeros_(p)
decay = [p for n, p in m.named_parameters() if p.dim() >= 2 and 'tok' not in n and 'pos' not in n]
plain = [p for n, p in m.named_parameters() if not (p.dim() >= 2 and 'tok' not in n and 'pos' not in n)]
opt = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.01}, {'params': plain, 'weight_decay': 0}], lr=peak)
def rate(step):
    s = step + 1
    if sched == 'const': return peak * min(1, s / warm)
    return peak * min(s / warm, math.sqrt(warm / s))
def loss_acc(x, y):
    hid = m(x); sel = y.view(-1) != -100
    lg = m.logits(hid.view(-1, d)[sel]); t = y.view(-1)[sel]
    return F.cross_entropy(lg, t), (lg.argmax(-1) == t).float().sum().item(), sel.sum().item()
step = 0; t0 = time.time()
for epoch in range(1, epochs + 1):
    rng = torch.Generator().manual_seed(epoch); order = list(range(len(train))); random.Random(epoch).shuffle(order); m.train()
    for b in range(0, len(order) - B + 1, B):
        x, y = mask([train[i] for i in order[b:b + B]], rng)
        for g in opt.param_groups: g['lr'] = rate(step)
        loss, c, n = loss_acc(x, y); opt.zero_grad(); loss.backward(); nn.utils.clip_grad_norm_(m.parameters(), 1.0); opt.step(); step += 1
        if step % 250 == 0: print(f'step {step} loss {loss.item():.3f} acc {c / n:.1%} {time.time() - t0:.0f}s', flush=True)
    m.eval(); rng = torch.Generator().manual_seed(999); tl = tc = tn = 0
    with torch.no_grad():
        for b in range(0, len(val), B):
            x, y = mask(val[b:b + B], rng); l, c, n = loss_acc(x, y); tl += l.item() * n; tc += c; tn += n
    print(f'[ref {" ".join(sys.argv[1:])}] epoch {epoch} step {step}: val loss {tl / tn:.3f} acc {tc / tn:.1%}', flush=True)
