"""The fast path's switches, checked on the CPU for correctness (the benchmark times them)."""
import dataclasses
import os
import time
import warnings

import pytest
import torch

from infogan_lite import InfoGAN, TrainConfig
from infogan_lite.accel import (FastPath, adam_kwargs, amp_dtype, autocast, compile_nets,
                                cpu_has_bf16, grad_scaler)
from infogan_lite.train import make_optimizers, train_step

CPU = torch.device("cpu")


def _setup(adam="auto", seed=0, arch=None):
    torch.manual_seed(seed)
    model = InfoGAN(TrainConfig().spec, arch).train()
    kw = {"betas": (0.5, 0.999), **adam_kwargs(CPU, adam)}
    opts = (torch.optim.Adam(model.D.parameters(), lr=2e-4, **kw),
            torch.optim.Adam(model.G.parameters(), lr=1e-3, **kw))
    return model, opts, torch.Generator().manual_seed(seed)


def _steps(model, opts, gen, n=2, **kw):
    x = torch.rand(16, 1, 28, 28, generator=torch.Generator().manual_seed(1))
    return [train_step(model, *opts, x, gen, TrainConfig(), **kw) for _ in range(n)]


def test_amp_auto_is_bf16_on_a_cpu_with_bf16_instructions_and_float32_otherwise():
    assert amp_dtype("auto", CPU) == (torch.bfloat16 if cpu_has_bf16() else None)
    assert amp_dtype("off", CPU) is None
    assert amp_dtype("bf16", CPU) == torch.bfloat16 and amp_dtype("fp16", CPU) == torch.float16
    with pytest.raises(ValueError, match="amp must be one of"):
        amp_dtype("fp8", CPU)


def test_autocast_runs_matmuls_in_the_low_precision_type_and_none_is_float32():
    layer, x = torch.nn.Linear(4, 4), torch.randn(2, 4)
    with autocast(CPU, torch.bfloat16):
        assert layer(x).dtype == torch.bfloat16
    with autocast(CPU, None):
        assert layer(x).dtype == torch.float32


def test_a_grad_scaler_only_for_fp16():
    assert grad_scaler(CPU, None) is None and grad_scaler(CPU, torch.bfloat16) is None
    assert isinstance(grad_scaler(CPU, torch.float16), torch.amp.GradScaler)


def test_a_disabled_grad_scaler_changes_nothing(tiny_arch):
    """The GPU's fp16 code path (scale, step through the scaler, update), run with the
    scaler disabled, must give the very same weights as the plain path."""
    plain, scaled = _setup(arch=tiny_arch), _setup(arch=tiny_arch)
    _steps(*plain)
    _steps(*scaled, fast=FastPath(scaler=torch.amp.GradScaler("cpu", enabled=False)))
    a, b = plain[0].state_dict(), scaled[0].state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_the_fp16_path_with_an_active_grad_scaler_trains_on_the_cpu(tiny_arch):
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**10)
    fp16 = torch.stack(_steps(*_setup(arch=tiny_arch), n=3, fast=FastPath(torch.float16, scaler)))
    fp32 = torch.stack(_steps(*_setup(arch=tiny_arch), n=3))
    assert not torch.equal(fp16, fp32)                        # autocast did compute in fp16
    torch.testing.assert_close(fp16, fp32, rtol=0, atol=0.05)  # the same steps, to fp16 rounding
    assert scaler.get_scale() == 2.0**10                      # no overflow: no step skipped


@pytest.mark.parametrize("impl", ["foreach", "fused"])
def test_every_adam_kernel_makes_the_same_update(impl):
    """Same gradients in, same weights out. (Compared on fixed gradients: inside a GAN step,
    a bias followed by batch norm gets a gradient that is pure rounding noise, which Adam
    turns into full-size steps, so kernels that round differently drift apart there.)"""
    g = torch.Generator().manual_seed(0)
    shapes = [(64, 1, 4, 4), (64,), (1024, 6272), (1,)]
    start = [torch.randn(s, generator=g) for s in shapes]
    grads = [[torch.randn(s, generator=g) for s in shapes] for _ in range(3)]
    results = []
    for kernel in ("loop", impl):
        params = [torch.nn.Parameter(t.clone()) for t in start]
        opt = torch.optim.Adam(params, lr=1e-3, betas=(0.5, 0.999), **adam_kwargs(CPU, kernel))
        for step_grads in grads:
            for p, gr in zip(params, step_grads):
                p.grad = gr.clone()
            opt.step()
        results.append(params)
    for a, b in zip(*results):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)


def test_make_optimizers_uses_the_kernel_chosen_for_the_device():
    opt_DQ, _ = make_optimizers(InfoGAN(TrainConfig().spec), TrainConfig())
    chosen = adam_kwargs(CPU)
    assert all(opt_DQ.defaults[k] is True for k in chosen)
    with pytest.raises(ValueError, match="adam impl must be"):
        adam_kwargs(CPU, "turbo")


def test_channels_last_gives_the_same_step_up_to_rounding(tiny_arch):
    ref, cl = _setup(arch=tiny_arch), _setup(arch=tiny_arch)
    cl[0].to(memory_format=torch.channels_last)
    x = torch.rand(16, 1, 28, 28, generator=torch.Generator().manual_seed(1))
    l_ref = train_step(ref[0], *ref[1], x, ref[2], TrainConfig())
    l_cl = train_step(cl[0], *cl[1], x.contiguous(memory_format=torch.channels_last), cl[2],
                      TrainConfig())
    torch.testing.assert_close(l_ref, l_cl, rtol=1e-4, atol=1e-4)


@pytest.mark.skipif(os.environ.get("INFOGAN_LITE_SKIP_COMPILE") == "1",
                    reason="INFOGAN_LITE_SKIP_COMPILE=1")
def test_compiled_networks_share_the_weights_and_compute_the_same_step(tiny_arch):
    """torch.compile on the CPU needs a C++ compiler; a small G and D keep it to a minute.
    SGD, not Adam: Adam turns the rounding-noise gradient of a bias before batch norm into
    full-size steps, which would hide a real difference behind a harmless one."""
    from infogan_lite import LatentSpec
    spec, arch = LatentSpec(4, (3,), 1), tiny_arch
    cfg = dataclasses.replace(TrainConfig(), n_noise=4, categorical=(3,), continuous=1)
    models = []
    for compiled in (False, True):
        torch.manual_seed(0)
        model = InfoGAN(spec, arch).train()
        opts = (torch.optim.SGD(model.D.parameters(), lr=0.01),
                torch.optim.SGD(model.G.parameters(), lr=0.01))
        gen = torch.Generator().manual_seed(0)
        nets = compile_nets(model, compiled)
        x = torch.rand(8, 1, 28, 28, generator=torch.Generator().manual_seed(1))
        t0 = time.process_time()
        losses = [train_step(model, *opts, x, gen, cfg, FastPath(nets=nets)) for _ in range(2)]
        models.append((model, torch.stack(losses), time.process_time() - t0))
    (eager, l_eager, _), (comp, l_comp, _) = models
    torch.testing.assert_close(l_eager, l_comp, rtol=1e-4, atol=1e-4)
    for (k, a), b in zip(eager.state_dict().items(), comp.state_dict().values()):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-4, msg=k)


def test_bf16_asked_for_on_a_cpu_that_would_emulate_it_warns_and_names_the_fix(monkeypatch):
    import infogan_lite.accel as accel
    monkeypatch.setattr(accel, "cpu_has_bf16", lambda: False)
    with pytest.warns(UserWarning, match=r"emulated.*amp='auto' \(--amp auto\)"):
        assert amp_dtype("bf16", CPU) == torch.bfloat16      # still honoured: the caller asked
    monkeypatch.setattr(accel, "cpu_has_bf16", lambda: True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                        # native bf16: nothing to say
        assert amp_dtype("bf16", CPU) == torch.bfloat16
        assert amp_dtype("auto", CPU) == torch.bfloat16


def _one_step_grads(tiny_arch, fast=None):
    """One train_step of the tiny model without batch norm (whose biases in front of batch
    norm get gradients of pure rounding); (every parameter after it, every gradient it applied)."""
    no_bn = dataclasses.replace(tiny_arch, g_fc=(), g_base_bn=False, d_fc=(), q_hidden=None,
                                g_upconv=tuple(dataclasses.replace(l, bn=False) for l in tiny_arch.g_upconv),
                                d_conv=tuple(dataclasses.replace(l, bn=False) for l in tiny_arch.d_conv))
    model, opts, gen = _setup(arch=no_bn)
    _steps(model, opts, gen, n=1, fast=fast)
    return ({k: v.detach().clone() for k, v in model.named_parameters()},
            {k: v.grad.clone() for k, v in model.named_parameters() if v.grad is not None})


def test_the_fp16_path_applies_float32_s_gradients_parameter_by_parameter(tiny_arch):
    """Scaled, fp16 backward, unscaled: each parameter's gradient is float32's to fp16
    rounding (not scale times it, nor divided by it)."""
    fast = FastPath.for_run(_setup(arch=tiny_arch)[0], "fp16")
    assert fast.dtype == torch.float16 and fast.scaler is not None and fast.scaler.is_enabled()
    fast.scaler = torch.amp.GradScaler("cpu", init_scale=2.0**12)
    p16, g16 = _one_step_grads(tiny_arch, fast)
    p32, g32 = _one_step_grads(tiny_arch)
    assert g16.keys() == g32.keys() and len(g32) == len(p32)
    for net in ("G.", "D."):
        names = [k for k in g32 if k.startswith(net)]
        norm = torch.cat([g32[k].flatten() for k in names]).norm()
        for name in names:  # each tensor that carries 0.5% of its network's gradient or more
            # (D's logit bias sums +-0.5 terms that cancel, below fp16's resolution)
            if g32[name].norm() >= 0.005 * norm:
                err = (g16[name] - g32[name]).norm() / g32[name].norm()
                assert err < 0.05, f"{name}: fp16 gradient off by {err:.3f} of float32's"
            assert torch.isfinite(p16[name]).all()
    assert fast.scaler.get_scale() == 2.0**12                      # no overflow, no step skipped


def test_an_fp16_overflow_skips_the_step_and_halves_the_scale(tiny_arch):
    """A scale so large that fp16 gradients overflow: no parameter moves, no Adam state is
    made, and the scaler halves its scale for the next step."""
    model, opts, gen = _setup(arch=tiny_arch)
    before = {k: v.detach().clone() for k, v in model.named_parameters()}
    fast = FastPath(torch.float16, torch.amp.GradScaler("cpu", init_scale=2.0**100))
    _steps(model, opts, gen, n=1, fast=fast)
    after = dict(model.named_parameters())
    assert all(torch.equal(before[k], after[k]) for k in before), "a step was taken on inf"
    assert not any(opt.state for opt in opts)
    assert fast.scaler.get_scale() == 2.0**99
