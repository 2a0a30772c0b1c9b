"""Bug trials: does a fast test catch each deliberate bug in the training step, the codes,
the fast path, the checkpoints and the evaluation?

For each bug: copy infogan_lite/ and tests/ into a fresh temporary folder, apply the bug
there by exact string replacement (every replaced string must occur exactly once, so a
trial cannot silently test the unchanged code), run the fast tests against the copy and
record the first failing test. A control trial without any bug must pass first.
The project's own files are only read, never written.

    .venv/bin/python tools/bug_trials.py             # every bug; prints a Markdown table
    .venv/bin/python tools/bug_trials.py -k sigma    # only bugs whose name contains 'sigma'

Exit status 1 if a bug survived the tests.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAST_TESTS = ["tests/test_golden_step.py", "tests/test_losses.py", "tests/test_codes.py",
              "tests/test_models.py", "tests/test_accel.py", "tests/test_checkpoint.py",
              "tests/test_evaluate.py"]
TIMEOUT = 300  # seconds per trial

TRAIN, MODELS, LOSSES = "infogan_lite/train.py", "infogan_lite/models.py", "infogan_lite/losses.py"
CODES, ACCEL, CKPT = "infogan_lite/codes.py", "infogan_lite/accel.py", "infogan_lite/checkpoint.py"
EVALUATE = "infogan_lite/evaluate.py"
D_STEP_LOSS = "fast.scale(L_D - lambda_L_I + cfg.lambda_sup * L_sup)"
G_STEP_LOSS = "fast.scale(L_G - info(q_raw)[0])"
G_STEP_D = "        fake_logits, q_raw = D(x_fake, detach_q=cfg.baseline)"

# (bug, file, [(exact old text, new text), ...])
BUGS = [
    ("lambda_cont replaced by lambda_cat", TRAIN,
     [("cfg.lambda_cont * L_I_cont", "cfg.lambda_cat * L_I_cont")]),
    ("split_q hands back the means as log sigma (and vice versa)", MODELS,
     [("cont_mean = parts[n_cat]\n    cont_log_sigma = parts[n_cat + 1] if learn_sigma else None",
       "cont_mean = parts[n_cat + 1] if learn_sigma else parts[n_cat]\n"
       "    cont_log_sigma = parts[n_cat] if learn_sigma else None")]),
    ("H_cont = log 2 for one code, not for all", CODES,
     [("return self.continuous * math.log(2)", "return math.log(2)")]),
    ("H_c counts the first categorical code only", TRAIN,
     [("c_cat, c_cont, spec.H_c, spec.H_cont)",
       "c_cat, c_cont, math.log(spec.categorical[0]), spec.H_cont)")]),
    ("G steps against the stale, pre-update D and Q", TRAIN,
     [("    opt_DQ.zero_grad(set_to_none=True)\n",
       "    D_stale = __import__('copy').deepcopy(D)\n    opt_DQ.zero_grad(set_to_none=True)\n"),
      (G_STEP_D, G_STEP_D.replace("= D(", "= D_stale("))]),
    ("x_fake not detached in the D step", TRAIN,
     [("D(x_fake.detach(), detach_q=cfg.baseline)", "D(x_fake, detach_q=cfg.baseline)")]),
    ("lambda L_I with the wrong sign in D and Q's loss", TRAIN,
     [(D_STEP_LOSS, D_STEP_LOSS.replace("- lambda_L_I", "+ lambda_L_I"))]),
    ("lambda L_I with the wrong sign in G's loss", TRAIN,
     [(G_STEP_LOSS, G_STEP_LOSS.replace("-", "+"))]),
    ("G's L_I not weighted by the lambdas", TRAIN,
     [(G_STEP_LOSS, "fast.scale(L_G - sum(info(q_raw)[1:]))")]),
    ("supervised term missing", TRAIN,
     [(D_STEP_LOSS, "fast.scale(L_D - lambda_L_I)")]),
    ("supervised term added to G's loss instead of D and Q's", TRAIN,
     [(D_STEP_LOSS, "fast.scale(L_D - lambda_L_I)"),
      (G_STEP_LOSS, "fast.scale(L_G - info(q_raw)[0] + cfg.lambda_sup * L_sup)")]),
    ("supervised term with the wrong sign", TRAIN,
     [(D_STEP_LOSS, D_STEP_LOSS.replace("+ cfg.lambda_sup", "- cfg.lambda_sup"))]),
    ("L_sup reads the second categorical code", TRAIN,
     [(".cat_logits[0].float()", ".cat_logits[1].float()")]),
    ("baseline: L_I trains D's shared trunk", TRAIN,
     [("D(x_fake.detach(), detach_q=cfg.baseline)", "D(x_fake.detach())")]),
    ("baseline: L_I trains G", TRAIN,
     [(G_STEP_D, G_STEP_D.replace(", detach_q=cfg.baseline", ""))]),
    ("D.forward ignores detach_q", MODELS,
     [("self.q_head(h.detach() if detach_q else h)", "self.q_head(h)")]),
    ("zero_grad missing in the D step", TRAIN,
     [("    opt_DQ.zero_grad(set_to_none=True)\n", "")]),
    ("zero_grad missing in the G step", TRAIN,
     [("    opt_G.zero_grad(set_to_none=True)\n", "")]),
    ("Adam's betas not from the config", TRAIN,
     [('"betas": (cfg.beta1, cfg.beta2)', '"betas": (0.5, 0.999)')]),
    ("D and Q's optimiser uses lr_g", TRAIN,
     [("(dq_groups(model, cfg), lr=cfg.lr_d", "(dq_groups(model, cfg), lr=cfg.lr_g")]),
    ("log sigma used as sigma", LOSSES,
     [("/ log_sigma.exp()) ** 2", "/ log_sigma) ** 2")]),
    ("log sigma's normaliser with the wrong sign", LOSSES,
     [("- log_sigma - 0.5 * math.log(2 * math.pi)", "+ log_sigma - 0.5 * math.log(2 * math.pi)")]),
    ("mean instead of sum over the continuous codes", LOSSES,
     [("log_density.sum(dim=1).mean()", "log_density.mean()")]),
    ("softmax before the cross-entropy of L_I", LOSSES,
     [("F.cross_entropy(logits.float(), c_cat[:, i])",
       "F.cross_entropy(logits.float().softmax(1), c_cat[:, i])")]),
    ("saturating G loss log(1 - D(G(z, c)))", LOSSES,
     [("return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))",
       "return -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))")]),
    # --- the classes of issue 30: sampling, Q's split, batch norm, fp16, checkpoints, evaluation
    ("every categorical code drawn with the first code's number of categories", CODES,
     [("torch.randint(k, (n,)", "torch.randint(self.categorical[0], (n,)")]),
    ("the continuous codes copying the first noise columns", CODES,
     [("c_cont = torch.rand(n, self.continuous, generator=generator, device=device) * 2 - 1",
       "c_cont = (torch.rand(n, self.continuous, generator=generator, device=device) * 2 - 1)\n"
       "        c_cont[:, :min(self.continuous, self.n_noise)] = z[:, :self.continuous]")]),
    ("z drawn from U(0, 1), not U(-1, 1)", CODES,
     [("z = torch.rand(n, self.n_noise, generator=generator, device=device) * 2 - 1",
       "z = torch.rand(n, self.n_noise, generator=generator, device=device)")]),
    ("the codes drawn before the noise", CODES,
     [("        z = torch.rand(n, self.n_noise, generator=generator, device=device) * 2 - 1\n", ""),
      ("        return z, c_cat, c_cont",
       "        z = torch.rand(n, self.n_noise, generator=generator, device=device) * 2 - 1\n"
       "        return z, c_cat, c_cont")]),
    ("Q's output split with the categorical sizes sorted", MODELS,
     [("sizes = list(spec.categorical) +", "sizes = sorted(spec.categorical) +")]),
    ("Q's means and log sigmas taken from the categorical end", MODELS,
     [("    cont_mean = parts[n_cat]\n", "    cont_mean = parts[0][:, :spec.continuous]\n")]),
    ("G step reuses D's draws under fresh_g_latents", TRAIN,
     [("    if cfg.fresh_g_latents:\n        z, c_cat, c_cont = spec.sample(x_real.shape[0], generator=gen)\n", "")]),
    ("real and fake images through D as one batch (batch norm statistics mixed)", TRAIN,
     [("        real_logits, _ = D(x_real)\n        fake_logits, q_raw = D(x_fake.detach(), detach_q=cfg.baseline)",
       "        both_logits, both_q = D(torch.cat([x_real, x_fake.detach()]), detach_q=cfg.baseline)\n"
       "        n_real = len(x_real)\n"
       "        real_logits, fake_logits, q_raw = both_logits[:n_real], both_logits[n_real:], "
       "both_q[n_real:]")]),
    ("the step runs D in eval mode (batch norm's running statistics)", TRAIN,
     [("    fast = fast or FastPath()\n", "    fast = fast or FastPath()\n    model.D.eval()\n")]),
    ("the fp16 path ignoring the gradient scaler (no scaling of the loss)", ACCEL,
     [("return self.scaler.scale(loss) if self.scaler else loss", "return loss")]),
    ("the fp16 path stepping past the scaler (gradients left scaled, no skip)", ACCEL,
     [("self.scaler.step(opt) if self.scaler else opt.step()", "opt.step()")]),
    ("the fp16 path never updating the scale", ACCEL,
     [("        if self.scaler:\n            self.scaler.update()", "        pass")]),
    ("the run's fast path built without a scaler", ACCEL,
     [("return cls(dtype, grad_scaler(model.device, dtype), compile_nets(model, compile))",
       "return cls(dtype, None, compile_nets(model, compile))")]),
    ("no final checkpoint when steps is not a multiple of checkpoint_every", TRAIN,
     [("        if _due(run.step, cfg.checkpoint_every, cfg):",
       "        if run.step % cfg.checkpoint_every == 0:")]),
    ("a resume with another batch_size accepted", CKPT,
     [('"baseline", "seed", "batch_size", "labels_per_class"', '"baseline", "seed", "labels_per_class"')]),
    ("a resume with another seed accepted", CKPT,
     [('"baseline", "seed", "batch_size"', '"baseline", "batch_size"')]),
    ("a resume with another fresh_g_latents accepted", CKPT,
     [(', "fresh_g_latents")', ")")]),
    ("a resume keeping the saved Adam betas", CKPT,
     [("group.update(lr=lr, betas=(cfg.beta1, cfg.beta2))", "group.update(lr=lr)")]),
    ("a resume keeping the saved learning rates", CKPT,
     [("group.update(lr=lr, betas=(cfg.beta1, cfg.beta2))", "group.update(betas=(cfg.beta1, cfg.beta2))")]),
    ("a resume that does not restore the loss sums", CKPT,
     [('self.sums, self.count = state.get("sums"), int(state.get("count", 0))',
       'self.count = int(state.get("count", 0))')]),
    ("evaluating c1 with batch norm in train mode", EVALUATE,
     [("    model.eval()\n    try:", "    try:")]),
    ("evaluation leaves the model in eval mode", EVALUATE,
     [("        model.train(was_training)\n", "        pass\n")]),
]


def make_copy(dest: Path, file: str | None = None, edits=()) -> None:
    """Copy the package and the tests to `dest`, and apply `edits` to dest/file."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("infogan_lite", "tests"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    shutil.copy2(ROOT / "pyproject.toml", dest / "pyproject.toml")  # the same pytest settings
    if not edits:
        return
    path = dest / file
    text = path.read_text()
    for old, new in edits:
        n = text.count(old)
        assert n == 1, f"{file}: the text to replace occurs {n} times, not once: {old!r}"
        text = text.replace(old, new)
    path.write_text(text)


def run_tests(copy: Path) -> dict:
    """Run FAST_TESTS against the copy; the first failing test, its time and the run's time."""
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
    report = copy / "report.xml"
    # "test s" is the failing test's own time (pytest's call phase): the session's one-off
    # warm-up (tests/conftest.py, optimisers_warmed_up) is not charged to the first test
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
           "-o", "junit_duration_report=call", f"--junitxml={report}", *FAST_TESTS]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=copy, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"test": f"(timeout after {TIMEOUT} s)", "how": "", "test_s": None,
                "run_s": time.perf_counter() - t0, "passed": False}
    run_s = time.perf_counter() - t0
    if proc.returncode == 0:
        return {"test": None, "how": "", "test_s": None, "run_s": run_s, "passed": True}
    cases = ET.parse(report).getroot().iter("testcase") if report.exists() else []
    for case in cases:
        bad = case.find("failure")
        bad = bad if bad is not None else case.find("error")
        if bad is not None:
            node = case.get("classname").replace(".", "/") + ".py::" + case.get("name")
            how = ((bad.get("message") or "").splitlines() or [""])[0]
            how = how.replace(": Tensor-likes are not close!", "")[:70]
            return {"test": node, "how": how, "test_s": float(case.get("time")),
                    "run_s": run_s, "passed": False}
    tail = (proc.stdout + proc.stderr).strip().splitlines()[-1:] or ["?"]
    return {"test": f"(pytest exit {proc.returncode})", "how": tail[0][:70], "test_s": None,
            "run_s": run_s, "passed": False}


def trial(file=None, edits=()) -> dict:
    with tempfile.TemporaryDirectory(prefix="bug_trial_") as tmp:
        copy = Path(tmp)
        make_copy(copy, file, edits)
        if not edits:  # the control: the copy, not the installed package, must be the one tested
            env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
            where = subprocess.run([sys.executable, "-c", "import infogan_lite; print(infogan_lite.__file__)"],
                                   cwd=copy, env=env, capture_output=True, text=True).stdout.strip()
            assert where.startswith(str(copy)), f"the trials would test {where}, not the copy"
        return run_tests(copy)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-k", default="", help="only the bugs whose name contains this text")
    args = parser.parse_args()
    bugs = [b for b in BUGS if args.k.lower() in b[0].lower()]

    control = trial()
    if not control["passed"]:
        print(f"the control (no bug) fails: {control['test']} {control['how']}", file=sys.stderr)
        return 2
    print(f"control (no bug): {' '.join(FAST_TESTS)} pass in {control['run_s']:.1f} s\n")
    print("| bug | first failing test | how it fails | test s | run s |")
    print("|---|---|---|---:|---:|")
    survived = []
    for name, file, edits in bugs:
        r = trial(file, edits)
        if r["passed"]:
            survived.append(name)
        test = "**SURVIVED**" if r["passed"] else f"`{r['test']}`"
        test_s = "" if r["test_s"] is None else f"{r['test_s']:.2f}"
        how = r["how"].replace("|", "\\|")
        print(f"| {name} | {test} | {how} | {test_s} | {r['run_s']:.1f} |", flush=True)
    print(f"\n{len(bugs) - len(survived)} of {len(bugs)} bugs caught"
          + (f"; survived: {', '.join(survived)}" if survived else ""))
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
