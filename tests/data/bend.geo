// A 90-degree channel bend (radii 1 and 2), the example of docs/meshes.md:
//   gmsh bend.geo -2 -order 2 -format msh41 -o bend.msh
//   fieldflow mesh -geometry file -mesh_file bend.msh -o bend.vtu
h = 0.15;
Point(1) = {0, 0, 0, h};   // centre of the arcs
Point(2) = {1, 0, 0, h};
Point(3) = {2, 0, 0, h};
Point(4) = {0, 2, 0, h};
Point(5) = {0, 1, 0, h};
Line(1) = {2, 3};          // inflow
Circle(2) = {3, 1, 4};     // outer wall
Line(3) = {4, 5};          // outflow
Circle(4) = {5, 1, 2};     // inner wall
Curve Loop(1) = {1, 2, 3, 4};
Plane Surface(1) = {1};
// Named physical groups: the boundary groups, and the fluid (without it no cells are saved).
Physical Curve("inflow") = {1};
Physical Curve("outflow") = {3};
Physical Curve("wall") = {2, 4};
Physical Surface("fluid") = {1};
