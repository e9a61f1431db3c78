import {
  CategoryScale, Chart, Filler, LinearScale, LineController, LineElement, PointElement, TimeScale, Tooltip,
} from 'chart.js';
import 'chartjs-adapter-date-fns';

// Only the Chart.js parts the history chart uses are registered, so the rest is left out of the bundle.
Chart.register(LineController, LineElement, PointElement, LinearScale, TimeScale, CategoryScale, Filler, Tooltip);

export { Chart };
