#!/usr/bin/env python3
"""PyTorch eager reference of one Algorithm 1 iteration (the same networks and
steps as src/models + src/train/algorithm1.ts), to time our TypeScript engine
against PyTorch on the same libtorch (Debian's python3-torch 1.13), and to
profile by operator.

    /usr/bin/python3 bench/torch_reference/algorithm1_step.py --preset paper --batch 64 --steps 3 \
        --precision fp32 --precision bf16 [--channels-last] [--profile] [--json out.json]

--precision bf16 uses torch.autocast('cpu', torch.bfloat16) around the forward
passes, as PyTorch's documentation recommends (weights and optimizer in fp32).
Prints seconds per iteration and the share of steps (a), (b), (c).
"""
import argparse, json, statistics, time
import torch
import torch.nn as nn
import torch.nn.functional as Fn

PRESETS = {
    'paper': dict(enc_blocks=[[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]], enc_fc=[1024, 512],
                  dec_base=256, dec_ch=[256, 256, 256, 256, 128, 64], dec_strides=[2, 1, 2, 1, 2, 2], disc_ch=[64, 128, 256, 512], disc_hidden=1024),
    'cpu': dict(enc_blocks=[[8], [16], [32], [64]], enc_fc=[256, 128],
                dec_base=64, dec_ch=[64, 48, 48, 32, 24, 12], dec_strides=[2, 1, 2, 1, 2, 2], disc_ch=[12, 24, 48, 64], disc_hidden=128),
}
LATENT = 64


class Encoder(nn.Module):
    def __init__(self, p):
        super().__init__()
        layers, c = [], 3
        for block in p['enc_blocks']:
            for w in block:
                layers += [nn.Conv2d(c, w, 3, padding=1, bias=False), nn.BatchNorm2d(w), nn.ReLU()]
                c = w
            layers.append(nn.MaxPool2d(2))
        self.features = nn.Sequential(*layers)
        side = 64 // 2 ** len(p['enc_blocks'])
        head, d = [nn.Flatten()], c * side * side
        for w in p['enc_fc']:
            head += [nn.Linear(d, w), nn.ReLU()]
            d = w
        head.append(nn.Linear(d, LATENT))
        self.head = nn.Sequential(*head)

    def forward(self, x):
        return self.head(self.features(x)).float()


class Decoder(nn.Module):
    def __init__(self, p, input_dim):
        super().__init__()
        self.base = p['dec_base']
        self.fc = nn.Linear(input_dim, self.base * 16)
        self.fc_norm = nn.BatchNorm2d(self.base)
        layers, c = [], self.base
        for out, s in zip(p['dec_ch'], p['dec_strides']):
            layers += [nn.ConvTranspose2d(c, out, 5, stride=s, padding=2, output_padding=s - 1), nn.BatchNorm2d(out), nn.LeakyReLU(0.2)]
            c = out
        layers += [nn.ConvTranspose2d(c, 3, 5, stride=1, padding=2), nn.Tanh()]
        self.body = nn.Sequential(*layers)
        self.channels_last = False

    def forward(self, h):
        x = self.fc(h).reshape(-1, self.base, 4, 4)
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        return self.body(Fn.leaky_relu(self.fc_norm(x), 0.2))


class Discriminator(nn.Module):
    def __init__(self, p):
        super().__init__()
        layers, c = [], 3
        for i, out in enumerate(p['disc_ch']):
            layers.append(nn.Conv2d(c, out, 5, stride=2, padding=2))
            if i > 0:
                layers.append(nn.BatchNorm2d(out))
            layers.append(nn.LeakyReLU(0.2))
            c = out
        self.convs = nn.Sequential(*layers)
        side = 64 // 2 ** len(p['disc_ch'])
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(c * side * side, p['disc_hidden']), nn.LeakyReLU(0.2), nn.Linear(p['disc_hidden'], 1))

    def forward(self, x):
        return self.head(self.convs(x)).reshape(-1).float()


class Metric(nn.Module):
    def __init__(self):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(LATENT, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1))

    def forward(self, o):
        return self.mlp(o).reshape(-1).float()


def ralsgan_d(dr, df):
    return 0.5 * (((dr - df.mean() - 1) ** 2).mean() + ((df - dr.mean() + 1) ** 2).mean())


def ralsgan_g(dr, df):
    return 0.5 * (((df - dr.mean()) ** 2).mean() + ((dr - df.mean()) ** 2).mean())


def run(preset, batch, steps, warmup, precision, channels_last, profile):
    torch.manual_seed(0)
    p = PRESETS[preset]
    users = 16
    F, M, G, D = Encoder(p), Metric(), Decoder(p, 2 * LATENT), Discriminator(p)
    G.channels_last = channels_last
    theta = nn.Embedding(users, LATENT)
    adam = lambda params: torch.optim.Adam(params, lr=2e-4, betas=(0.5, 0.999))
    opt_a, opt_d, opt_g = adam([*F.parameters(), *M.parameters(), *theta.parameters()]), adam(D.parameters()), adam(G.parameters())
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    img = lambda: (torch.rand(batch, 3, 64, 64) * 2 - 1).contiguous(memory_format=fmt)
    u, xq, xc, xqn, xcn = torch.randint(0, users, (batch,)), img(), img(), img(), img()
    ac = lambda: torch.autocast('cpu', dtype=torch.bfloat16, enabled=precision == 'bf16')
    score = lambda zq, zc: M(theta(u) * zq * zc)
    times, share = [], [0.0, 0.0, 0.0]
    prof = torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) if profile else None
    for s in range(warmup + steps):
        if prof and s == warmup:
            prof.__enter__()
        t0 = time.perf_counter()
        # (a) F, M, theta_u on BPR + l2
        opt_a.zero_grad()
        with ac():
            z = F(torch.cat([xq, xc, xqn, xcn]))
            zq, zc, zqn, zcn = z.chunk(4)
            loss = -Fn.logsigmoid(score(zq, zc) - score(zqn, zcn)).mean()
        loss = loss + 1e-6 * sum((w.float() ** 2).sum() for w in [*F.parameters(), *M.parameters()])
        loss.backward()
        opt_a.step()
        t1 = time.perf_counter()
        # (b) D twice; z_q and s+ with F in eval mode (running statistics), reused in (c)
        F.eval()
        with torch.no_grad(), ac():
            zq, zc = F(torch.cat([xq, xc])).chunk(2)
            sp = score(zq, zc)
            h = torch.cat([zq, theta(u)], 1)
            fake = G(h)
        F.train()
        for _ in range(2):
            opt_d.zero_grad()
            with ac():
                ld = ralsgan_d(D(xc), D(fake))
            ld.backward()
            opt_d.step()
        t2 = time.perf_counter()
        # (c) G with F, M, theta_u, D frozen
        for w in [*F.parameters(), *M.parameters(), *theta.parameters(), *D.parameters()]:
            w.requires_grad_(False)
        opt_g.zero_grad()
        with ac():
            fake = G(h)
            df = D(fake)
            with torch.no_grad():
                dr = D(xc)
            F.eval()
            ss = score(zq, F(fake))
            F.train()
            gfm = 0.5 * (((sp - ss.mean()) ** 2).mean() + ((ss - sp.mean()) ** 2).mean())
            lg = ralsgan_g(dr, df) + gfm
        lg.backward()
        opt_g.step()
        for w in [*F.parameters(), *M.parameters(), *theta.parameters(), *D.parameters()]:
            w.requires_grad_(True)
        t3 = time.perf_counter()
        if s >= warmup:
            times.append(t3 - t0)
            for i, dt in enumerate([t1 - t0, t2 - t1, t3 - t2]):
                share[i] += dt
    if prof:
        prof.__exit__(None, None, None)
        print(prof.key_averages().table(sort_by='self_cpu_time_total', row_limit=25))
    total = sum(share)
    return dict(seconds_per_iteration=statistics.median(times), share=dict(a_compat=share[0] / total, b_disc=share[1] / total, c_gen=share[2] / total),
                all_s=[round(t, 3) for t in times])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--preset', default='paper', choices=list(PRESETS))
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--steps', type=int, default=3)
    ap.add_argument('--warmup', type=int, default=1)
    ap.add_argument('--precision', action='append', choices=['fp32', 'bf16'])
    ap.add_argument('--channels-last', action='store_true')
    ap.add_argument('--threads', type=int, default=0)
    ap.add_argument('--profile', action='store_true')
    ap.add_argument('--json')
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    out = {}
    for prec in a.precision or ['fp32']:
        r = run(a.preset, a.batch, a.steps, a.warmup, prec, a.channels_last, a.profile)
        out[prec] = r
        sh = r['share']
        print(f"pytorch {a.preset} {prec}{' channels-last' if a.channels_last else ''}: {r['seconds_per_iteration']:.3f} s/iteration at batch {a.batch}; "
              f"share (a) {100 * sh['a_compat']:.0f}%, (b) {100 * sh['b_disc']:.0f}%, (c) {100 * sh['c_gen']:.0f}%", flush=True)
    if a.json:
        with open(a.json, 'w') as f:
            json.dump(dict(torch=torch.__version__, threads=torch.get_num_threads(), preset=a.preset, batch=a.batch, channels_last=a.channels_last, figures=out), f, indent=1)


if __name__ == '__main__':
    main()
