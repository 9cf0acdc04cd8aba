#!/usr/bin/python3
"""Makes tests/ref/nn_torch.txt: PyTorch reference values for hpml's neural
nets (src/nn/): forward outputs, mean loss, gradients with respect to the
parameters and the inputs, BatchNorm eval outputs and optimizer steps, for a
set of small seeded networks.

Run from the repository root with Debian's python3 (python3-torch 1.13):
    /usr/bin/python3 tests/ref/nn_torch.py > tests/ref/nn_torch.txt
Everything is float64 and seeded per case (crc32 of the name plus an optional
salt), so a rerun reproduces the file byte for byte on the same torch build.

File format, plain text, one array per line:
    case NAME
    arch key=value key=value ...
    NAME R C v1 ... v(R*C)        (R*C values, row-major, %.17g)
    ...
    end
arch keys, always in this order: model inputs outputs layers activation norm
[conv pool  -- cnn only] loss huber_delta optimizer lr beta1 beta2 eps
momentum weight_decay batch. Keys unused by a case hold their defaults.
Arrays, in this order: x (B x N), y (B x O; for ce B x 1 holding the class
index 0..O-1; for bce B x 1 holding 0/1), params (1 x P), out (B x O, before
any loss transform: logits for bce/ce), loss (1 x 1, mean), grad (1 x P),
gradx (B x N). BatchNorm cases then add out_eval (B x O: eval-mode output
after the single training-mode forward above updated the running stats;
momentum 0.1, running_var from the unbiased variance). Optimizer cases then add
step1 and step3 (1 x P: params after 1 and 3 steps of zero_grad, forward, loss,
backward, step on the same batch, starting from params). Cases with raw
targets (multi-output regression) then add yraw (B x O: the targets in their
own units, float32 values so the C side reads them exactly); their y is yraw
standardised column by column with the batch's mean and population standard
deviation, as hpml's target scalers do, and the loss is nn.MSELoss() over the
whole B x O tensor.

Network: mlp = per hidden size h: Linear -> [BatchNorm1d | LayerNorm(h)] ->
activation; then a final Linear. cnn = input seen as B x 1 x N; per conv
F:K:S: Conv1d(stride S, no padding) -> [BatchNorm1d(F) over batch and length
| LayerNorm([F, Lout])] -> activation -> MaxPool1d(P, P) if P > 1 (floor);
then flatten channel-major (c*L + t) and the mlp part. Norm eps 1e-5.

Parameter order (params/grad/step*): modules in forward order; Linear weight
[out][in] then bias [out]; Conv1d weight [F][C][K] then bias [F]; BatchNorm
gamma [n] then beta [n]; LayerNorm gamma then beta, for the cnn [F][Lout]
row-major. Running stats are not parameters.
"""
import copy
import zlib

import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)

ACT = {'relu': nn.ReLU, 'tanh': nn.Tanh, 'sigmoid': nn.Sigmoid,
       'gelu': nn.GELU, 'elu': nn.ELU}
KEYS = ['model', 'inputs', 'outputs', 'layers', 'activation', 'norm', 'conv',
        'pool', 'loss', 'huber_delta', 'optimizer', 'lr', 'beta1', 'beta2',
        'eps', 'momentum', 'weight_decay', 'batch']
DEFAULTS = dict(model='mlp', layers='', activation='relu', norm='none',
                loss='mse', huber_delta=1.0, optimizer='none', lr=0.0,
                beta1=0.9, beta2=0.999, eps=1e-8, momentum=0.0,
                weight_decay=0.0, batch=5)
# 'seed' (not an arch key, not printed) salts a case's seed; the salts were
# picked so no unit is dead and relu inputs / pool gaps stay >= 0.01 from 0.
OPT_NET = dict(inputs=5, outputs=2, layers='4', activation='tanh', batch=4)
CNN = dict(model='cnn')

CASES = [
    ('mlp_relu_mse', dict(inputs=6, outputs=1, layers='5,4', activation='relu',
                          seed=172)),
    ('mlp_tanh_mse', dict(inputs=5, outputs=1, layers='4,3', activation='tanh')),
    ('mlp_sigmoid_mse', dict(inputs=7, outputs=1, layers='5', activation='sigmoid')),
    ('mlp_gelu_mse', dict(inputs=6, outputs=1, layers='4,4', activation='gelu')),
    ('mlp_elu_mse', dict(inputs=5, outputs=1, layers='6,3', activation='elu')),
    ('mlp_linear_mse', dict(inputs=8, outputs=2, layers='', batch=4)),
    ('mlp_multi_mse', dict(inputs=6, outputs=3, layers='5', activation='tanh')),
    ('mlp_bn', dict(inputs=6, outputs=2, layers='5,4', norm='batch', batch=6,
                    seed=17)),
    ('mlp_ln', dict(inputs=7, outputs=2, layers='5,4', norm='layer',
                    activation='tanh')),
    ('mlp_huber', dict(inputs=6, outputs=2, layers='5', activation='relu',
                       loss='huber', batch=6, seed=70)),
    ('mlp_bce', dict(inputs=6, outputs=1, layers='5', activation='tanh',
                     loss='bce', batch=6)),
    ('mlp_ce', dict(inputs=5, outputs=3, layers='6', activation='relu',
                    loss='ce', batch=6)),
    ('cnn_relu', dict(CNN, inputs=11, outputs=1, conv='3:3:1', pool=2,
                      layers='4', seed=61)),
    ('cnn_bn', dict(CNN, inputs=11, outputs=2, conv='2:3:2,3:2:1', pool=1,
                    layers='4', norm='batch', activation='tanh', batch=6)),
    ('cnn_ln', dict(CNN, inputs=10, outputs=1, conv='2:3:1', pool=2,
                    layers='3', norm='layer', activation='gelu', batch=4, seed=8)),
    ('opt_adam', dict(OPT_NET, optimizer='adam', lr=0.05)),
    ('opt_adam_wd', dict(OPT_NET, optimizer='adam', lr=0.05, weight_decay=0.01)),
    ('opt_adamw', dict(OPT_NET, optimizer='adamw', lr=0.05, weight_decay=0.1)),
    ('opt_sgd_momentum', dict(OPT_NET, optimizer='sgd', lr=0.1, momentum=0.9,
                              weight_decay=0.001)),
    ('opt_sgd', dict(OPT_NET, optimizer='sgd', lr=0.1)),
    # two targets of very different scales, each standardised on its own
    ('mlp_two_targets', dict(inputs=5, outputs=2, layers='4', activation='tanh',
                             optimizer='adam', lr=0.05, batch=6, raw=True)),
]


def no_relu_zero(mod, inp):  # relu'(0) would be a convention, not a value
    assert (inp[0] != 0).all(), 'relu input exactly 0'


def no_pool_tie(mod, inp):  # a tied max would make the routed gradient a convention
    top = inp[0].unfold(2, mod.kernel_size, mod.stride).topk(2, dim=-1).values
    assert ((top[..., 0] > top[..., 1]) | (top[..., 0] == 0)).all(), 'pool tie'


def build(a):
    act, norm, mods, n = ACT[a['activation']], a['norm'], [], a['inputs']
    if a['model'] == 'cnn':
        mods.append(nn.Unflatten(1, (1, n)))
        c, length, p = 1, n, a['pool']
        for spec in a['conv'].split(','):
            f, k, s = map(int, spec.split(':'))
            mods.append(nn.Conv1d(c, f, k, stride=s))
            c, length = f, (length - k) // s + 1
            if norm == 'batch':
                mods.append(nn.BatchNorm1d(f))
            elif norm == 'layer':
                mods.append(nn.LayerNorm([f, length]))
            mods.append(act())
            if p > 1:
                mods.append(nn.MaxPool1d(p, p))
                length = (length - p) // p + 1
        mods.append(nn.Flatten())
        n = c * length
    for h in [int(v) for v in a['layers'].split(',') if v]:
        mods.append(nn.Linear(n, h))
        if norm == 'batch':
            mods.append(nn.BatchNorm1d(h))
        elif norm == 'layer':
            mods.append(nn.LayerNorm(h))
        mods.append(act())
        n = h
    mods.append(nn.Linear(n, a['outputs']))
    model = nn.Sequential(*mods)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Linear, nn.Conv1d)):
                m.weight.normal_(0, 0.5)
                m.bias.normal_(0, 0.5)
            elif isinstance(m, (nn.BatchNorm1d, nn.LayerNorm)):
                m.weight.copy_(1 + 0.1 * torch.randn_like(m.weight))
                m.bias.normal_(0, 0.1)
            elif isinstance(m, nn.ReLU):
                m.register_forward_pre_hook(no_relu_zero)
            elif isinstance(m, nn.MaxPool1d):
                m.register_forward_pre_hook(no_pool_tie)
    return model


def raw_targets(a):
    """Targets in their units (float32 values) and standardised per column."""
    b, o = a['batch'], a['outputs']
    scale = torch.tensor([20.0, 0.01, 3.0][:o])
    shift = torch.tensor([100.0, -3.0, 0.0][:o])
    raw = (torch.randn(b, o) * scale + shift).float().double()
    return raw, (raw - raw.mean(0)) / raw.std(0, unbiased=False)


def targets(a):
    b, o = a['batch'], a['outputs']
    if a['loss'] == 'bce':
        return (torch.randperm(b) % 2).double().reshape(b, 1)
    if a['loss'] == 'ce':
        return (torch.randperm(b) % o).double().reshape(b, 1)
    return torch.randn(b, o) * (2.0 if a['loss'] == 'huber' else 1.0)


def loss_fn(a, out, y):
    if a['loss'] == 'mse':
        return nn.functional.mse_loss(out, y)
    if a['loss'] == 'huber':
        return nn.functional.huber_loss(out, y, delta=a['huber_delta'])
    if a['loss'] == 'bce':
        return nn.functional.binary_cross_entropy_with_logits(out, y)
    return nn.functional.cross_entropy(out, y[:, 0].long())


def optimizer(a, params):
    kw = dict(lr=a['lr'], weight_decay=a['weight_decay'])
    if a['optimizer'] == 'sgd':
        return torch.optim.SGD(params, momentum=a['momentum'], **kw)
    cls = torch.optim.Adam if a['optimizer'] == 'adam' else torch.optim.AdamW
    return cls(params, betas=(a['beta1'], a['beta2']), eps=a['eps'], **kw)


def flat(model):
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()])


def emit(name, t):
    t = t.detach()
    t = t.reshape(1, -1) if t.dim() < 2 else t.reshape(t.shape[0], -1)
    vals = ' '.join('%.17g' % v for v in t.reshape(-1).tolist())
    print('%s %d %d %s' % (name, t.shape[0], t.shape[1], vals))


def run_case(name, spec):
    a = dict(DEFAULTS, **spec)
    torch.manual_seed(zlib.crc32(name.encode()) + a.get('seed', 0))
    model = build(a)
    x = torch.randn(a['batch'], a['inputs'])
    yraw, y = raw_targets(a) if a.get('raw') else (None, targets(a))
    fresh = copy.deepcopy(model)  # before any forward touches running stats

    model.train()
    xg = x.clone().requires_grad_(True)
    out = model(xg)
    loss = loss_fn(a, out, y)
    loss.backward()
    if a['loss'] == 'huber':
        r = (out - y).abs()
        assert (r > a['huber_delta']).any() and (r < a['huber_delta']).any()

    arch = ' '.join('%s=%s' % (k, a[k]) for k in KEYS if k in a)
    print('case %s\narch %s' % (name, arch))
    emit('x', x)
    emit('y', y)
    emit('params', flat(model))
    emit('out', out)
    emit('loss', loss)
    emit('grad', torch.cat([p.grad.reshape(-1) for p in model.parameters()]))
    emit('gradx', xg.grad)
    if a['norm'] == 'batch':
        model.eval()
        with torch.no_grad():
            emit('out_eval', model(x))
    if a['optimizer'] != 'none':
        opt = optimizer(a, fresh.parameters())
        for step in range(1, 4):
            opt.zero_grad()
            loss_fn(a, fresh(x), y).backward()
            opt.step()
            if step in (1, 3):
                emit('step%d' % step, flat(fresh))
    if yraw is not None:
        emit('yraw', yraw)
    print('end')


def main():
    for name, spec in CASES:
        run_case(name, spec)


if __name__ == '__main__':
    main()
