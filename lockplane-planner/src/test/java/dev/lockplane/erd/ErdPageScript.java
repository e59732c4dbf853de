package dev.lockplane.erd;

/** The script of the test page around an SVG diagram: what the browser laid out, one finding per line. */
final class ErdPageScript {
  private ErdPageScript() {}

  /**
   * Writes into {@code <pre id="result">}: "size ok" when the drawing is larger than 200×100 pixels;
   * per table, its title, whether all its text lies inside its box ("inside") and whether its box
   * overlaps another ("no-overlap"); the number of foreign-key lines.
   */
  static final String CHECK = """
      const out = [];
      const svg = document.querySelector('svg');
      const size = svg.getBoundingClientRect();
      out.push(size.width > 200 && size.height > 100 ? 'size ok' : 'size ' + size.width + 'x' + size.height);
      const groups = [...svg.querySelectorAll('g.entity')];
      const boxes = groups.map(g => g.querySelector('rect.body').getBoundingClientRect());
      groups.forEach((g, i) => {
        const r = boxes[i];
        const inside = [...g.querySelectorAll('text')].every(t => {
          const b = t.getBoundingClientRect();
          return b.width > 0 && b.left >= r.left - 0.5 && b.right <= r.right + 0.5
              && b.top >= r.top - 0.5 && b.bottom <= r.bottom + 0.5;
        });
        const overlap = boxes.some((o, j) => j !== i && o.left < r.right && r.left < o.right
            && o.top < r.bottom && r.top < o.bottom);
        out.push(g.querySelector('text.title').textContent + (inside ? ' inside' : ' outside')
            + (overlap ? ' overlap' : ' no-overlap'));
      });
      out.push('links ' + svg.querySelectorAll('path.link').length);
      document.getElementById('result').textContent = out.join('\\n');
      """;
}
